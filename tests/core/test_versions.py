"""The one optimistic lock (core.versions): claiming, refusing, parsing, the form field."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from core.versions import (
    MAX_VERSION,
    NEW,
    StaleVersion,
    VersionForm,
    check_version,
    claim_version,
    missing_version,
    parse_version,
)
from metrics.models import AnnualReport
from metrics.services.reports import StaleReportError, create_report, save_report
from tests.factories import staff_of


@pytest.fixture
def report(staff_a, institution_a):
    return create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)


def test_claim_version_moves_the_stored_version_on(report):
    claim_version(report, 1)
    assert (report.version, AnnualReport.objects.get(pk=report.pk).version) == (2, 2)


def test_claim_version_from_an_old_version_is_refused(report):
    AnnualReport.objects.filter(pk=report.pk).update(version=2)
    stored = AnnualReport.objects.get(pk=report.pk)
    with pytest.raises(StaleVersion):
        claim_version(stored, 1)
    assert AnnualReport.objects.get(pk=report.pk).version == 2


def test_claim_version_is_refused_when_the_row_moved_on_after_it_was_read(report):
    """The object in memory says 1, the database says 2: the conditional UPDATE
    matches nothing, so the second of two writers from version 1 loses."""
    AnnualReport.objects.filter(pk=report.pk).update(version=2)
    with pytest.raises(StaleVersion):
        claim_version(report, 1)
    assert AnnualReport.objects.get(pk=report.pk).version == 2


def test_claim_version_of_a_thing_not_stored_needs_new(institution_a):
    unsaved = AnnualReport(institution=institution_a, fiscal_year=2010)
    claim_version(unsaved, NEW)
    with pytest.raises(StaleVersion):
        claim_version(unsaved, 1)


def test_check_version_raises_the_apps_own_error(report):
    with pytest.raises(StaleReportError):
        check_version(report, 7, error=StaleReportError)


def test_stale_version_names_who_changed_it_and_when(report, institution_a):
    colleague = staff_of(institution_a, username="colleague", first_name="鈴木")
    save_report(actor=colleague, report=report, figures={"licence_income": 5}, expected_version=1)
    with translation.override("ja"), pytest.raises(StaleVersion) as refusal:
        check_version(AnnualReport.objects.get(pk=report.pk), 1)
    assert refusal.value.changed_by == "鈴木"
    assert "鈴木" in str(refusal.value) and "保存しませんでした" in str(refusal.value)


def test_stale_version_of_a_thing_not_stored_says_someone_else(institution_a):
    with translation.override("ja"):
        refusal = StaleVersion(AnnualReport(institution=institution_a, fiscal_year=2010))
    assert refusal.changed_by == ""
    assert str(refusal).startswith("開いた後に他の人が変更したため")


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ("0", 0),
        ("1", 1),
        ("2147483647", MAX_VERSION),
        ("2147483648", None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
        ("abc", None),
        ("1.5", None),
        ("1.0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1e3", None),
        ("１", None),  # a full-width digit is a digit to Python, not to us
        ("1\x00", None),
        (["1"], None),
    ],
)
def test_parse_version_accepts_only_whole_ascii_numbers_in_range(posted, expected):
    assert parse_version(posted) == expected


@pytest.mark.parametrize("posted", [{}, {"version": ""}, {"version": "abc"}, {"version": "-3"}])
def test_version_form_without_a_whole_version_is_a_version_error(posted):
    form = VersionForm(posted)
    assert not form.is_valid()
    assert form.has_error("version")


def test_version_form_reads_the_version():
    form = VersionForm({"version": "12"})
    assert form.is_valid()
    assert form.cleaned_data["version"] == 12


def test_missing_version_is_a_400_that_says_so(db):
    request = RequestFactory().post("/", {})
    with translation.override("ja"):
        response = missing_version(request)
    assert response.status_code == 400
    assert "版" in response.content.decode()
