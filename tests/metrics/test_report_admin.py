"""The Django admin for reports is not a back door: state and acceptance are read-only,
a repair goes through the service (attributed, version moved on, recompute queued), and
reports are imported only through the product's import."""

import pytest
from django.utils import timezone

from institutions.enums import Role
from metrics.enums import ReportState
from metrics.models import AnnualReport
from metrics.report_fields import REPORT_FIELDS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def report(institution_a):
    return AnnualReport.objects.create(institution=institution_a, fiscal_year=2010)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/metrics/annualreport/",
        "/admin/metrics/annualreport/export/",
        "/admin/metrics/importjob/",
    ],
)
def test_admin_pages_open_for_administrator(client_for, administrator, report, path):
    assert client_for(administrator).get(path).status_code == 200


def test_admin_pages_are_not_for_officials(client_for, mext_official, report):
    response = client_for(mext_official).get("/admin/metrics/annualreport/")
    assert response.status_code == 302


def _change_data(report, **changes):
    return {
        "opened_version": str(report.version),
        "licences-TOTAL_FORMS": "0",
        "licences-INITIAL_FORMS": "0",
        "licences-MIN_NUM_FORMS": "0",
        "licences-MAX_NUM_FORMS": "1000",
        **{spec.code: "" for spec in REPORT_FIELDS},
        **changes,
    }


def _change(client, report, **changes):
    return client.post(
        f"/admin/metrics/annualreport/{report.pk}/change/", _change_data(report, **changes)
    )


def test_admin_change_is_attributed_and_moves_the_version(client_for, administrator, report):
    response = _change(client_for(administrator), report, licence_income="4200000")
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.licence_income, stored.version) == (4_200_000, 2)
    record = stored.history.first()
    assert (record.history_user, record.history_change_reason) == (administrator, "admin repair")


def test_admin_cannot_set_the_state_or_the_acceptance(client_for, administrator, report):
    response = _change(
        client_for(administrator),
        report,
        state="accepted",
        accepted_by=str(administrator.pk),
        accepted_at="2011-01-01 00:00:00",
        institution="999",
        fiscal_year="1999",
        licence_income="1",
    )
    assert response.status_code == 302
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.accepted_by, stored.accepted_at, stored.fiscal_year) == (
        "draft",
        None,
        None,
        2010,
    )
    assert stored.licence_income == 1


def test_admin_repair_of_an_accepted_report_queues_the_recompute(
    client_for, administrator, report, monkeypatch
):
    from metrics.services import metric_values

    AnnualReport.objects.filter(pk=report.pk).update(
        state=ReportState.ACCEPTED, accepted_at=timezone.now()
    )
    report.refresh_from_db()
    queued = []
    monkeypatch.setattr(metric_values, "queue_recompute", lambda **kwargs: queued.append(kwargs))
    _change(client_for(administrator), report, licence_income="5")
    assert queued == [{"institution_ids": [report.institution_id], "fiscal_years": [2010]}]


def test_admin_repair_from_an_old_version_is_refused(client_for, administrator, report):
    AnnualReport.objects.filter(pk=report.pk).update(version=3)
    response = _change(client_for(administrator), report, licence_income="7")
    assert response.status_code == 200  # the form again, with the error
    assert AnnualReport.objects.get(pk=report.pk).licence_income is None


def test_admin_has_no_report_import(client_for, administrator):
    # The admin's own URL pattern takes "import" as an object id: no import page answers.
    response = client_for(administrator).get("/admin/metrics/annualreport/import/", follow=True)
    assert "import_export" not in " ".join(t.name or "" for t in response.templates)
    assert b'name="import_file"' not in response.content


def test_admin_cannot_add_or_move_import_jobs(client_for, administrator, report):
    client = client_for(administrator)
    assert client.get("/admin/metrics/importjob/add/").status_code == 403
