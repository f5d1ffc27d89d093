"""The registry as a file: the list's download uploads back unchanged, every column is
checked with its row and column named, and partner universities have full names."""

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from institutions.enums import InstitutionKind
from institutions.models import Institution, InstitutionAlias, Partnership
from institutions.registry_file import REGISTRY_COLUMNS, RegistryError, registry_rows
from institutions.selectors import InstitutionMatcher
from institutions.services import load_registry, read_registry_file
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

REGIONS = ["kanto", "kinki"]


@pytest.fixture
def registry():
    load_registry()


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def _snapshot():
    return (
        list(Institution.objects.order_by("code").values()),
        Institution.history.count(),
        InstitutionAlias.objects.count(),
        Partnership.objects.count(),
    )


def _upload(client, data, name):
    """Upload, and let the background load run (the upload's on-commit task)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("institutions:upload"), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_lists_download_uploads_back_unchanged(
    registry, client_for, mext_official, file_format
):
    client = client_for(mext_official)
    download = client.get(reverse("institutions:list"), {"format": file_format})
    before = _snapshot()
    response = _upload(client, download.content, f"institutions.{file_format}")
    assert response.status_code == 302, response.context["form"].errors
    assert _snapshot() == before
    page = client.get(response["Location"]).content.decode()
    assert "0件" in page and "変更なし" in page


def test_a_changed_download_uploads_the_change(registry, client_for, mext_official):
    client = client_for(mext_official)
    download = client.get(reverse("institutions:list"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == list(REGISTRY_COLUMNS)
    uttlo = next(row for row in rows if row[0] == "TLO-UTTLO")
    uttlo[REGISTRY_COLUMNS.index("specialisation")] = "pharma"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    _upload(client, buffer.getvalue().encode("cp932"), "changed.csv")
    assert Institution.objects.get(code="TLO-UTTLO").specialisation == "pharma"
    assert Institution.objects.get(code="TLO-UTTLO").history.first().history_user == mext_official


def test_the_template_has_the_lists_columns_and_uploads(client_for, mext_official, registry):
    client = client_for(mext_official)
    response = client.get(reverse("institutions:upload_template"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, _example = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(header) == REGISTRY_COLUMNS
    assert _upload(client, response.content, "template.xlsx").status_code == 302
    assert Institution.objects.filter(code="TLO-EXAMPLE").exists()


@pytest.mark.parametrize("persona", ["staff_a", "mext_reviewer", "viewer"])
def test_the_template_is_for_officials(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("institutions:upload_template")).status_code == 403


# --- every column checked ------------------------------------------------------------------


def _problems(text_rows):
    with pytest.raises(RegistryError) as failure:
        registry_rows(text_rows, regions=REGIONS)
    return failure.value.problems


HEADER = list(REGISTRY_COLUMNS)


def _row(**values):
    base = {
        "code": "TLO-X",
        "name_ja": "X",
        "kind": "approved_tlo",
        "region": "kanto",
        "status": "active",
    }
    base.update(values)
    return [base.get(column, "") for column in HEADER]


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"code": "TLO X"}, "code"),
        ({"code": "A" * 41}, "code"),
        ({"code": ""}, "code"),
        ({"name_ja": "名" * 201}, "name_ja"),
        ({"name_en": "n" * 201}, "name_en"),
        ({"kind": "spaceship"}, "kind"),
        ({"kind": "certified_tlo", "tlo_type": "internal"}, "tlo_type"),
        ({"legal_form": "llc"}, "legal_form"),
        ({"region": "atlantis"}, "region"),
        ({"specialisation": "magic"}, "specialisation"),
        ({"status": "sleeping"}, "status"),
        ({"approval_fy": "9" * 5000}, "approval_fy"),
        ({"approval_fy": "1800"}, "approval_fy"),
        ({"approval_fy": "H13"}, "approval_fy"),
        ({"approved_on": "2001/04/01"}, "approved_on"),
        ({"approved_on": "2001-02-30"}, "approved_on"),
        ({"revoked_on": "2008-03-31"}, "revoked_on"),  # but active
        ({"name_ja": "a\x00b"}, "name_ja"),
    ],
)
def test_each_column_is_checked_and_named(values, column):
    problems = _problems([HEADER, _row(**values)])
    assert any(p.startswith(f"2行目、{column}列") for p in problems), problems
    assert all(len(p) < 400 for p in problems)


def test_every_problem_is_listed_not_just_the_first():
    problems = _problems(
        [HEADER, _row(code="bad code"), _row(code="TLO-Y", region="atlantis"), _row(code="TLO-Z")]
    )
    assert [p[:3] for p in problems] == ["2行目", "3行目"]


def test_unknown_and_missing_columns_are_named():
    problems = _problems([["code", "name_ja", "category", "bogus"], ["TLO-X", "X", "a", "b"]])
    text = "\n".join(problems)
    assert "category" in text and "bogus" in text and "kind" in text


def test_duplicate_codes_in_a_file_are_refused():
    problems = _problems([HEADER, _row(), _row()])
    assert any("3行目" in p and "2行目" in p for p in problems)


def test_nul_bytes_in_a_csv_are_a_message_not_an_error_of_the_system(client_for, mext_official):
    client = client_for(mext_official)
    response = _upload(client, b"code,name_ja,kind\nTLO-X,\x00,x\n", "nul.csv")
    assert response.status_code == 302
    assert "CSV" in client.get(response.url).content.decode()
    assert not Institution.objects.filter(code="TLO-X").exists()


def test_a_bad_upload_lists_its_problems_and_changes_nothing(registry, client_for, mext_official):
    before = _snapshot()
    body = "code,name_ja,kind,approval_fy\nTLO-OK,良い,approved_tlo,2001\nTLO-NG,悪い,x,99999\n"
    client = client_for(mext_official)
    response = _upload(client, body.encode(), "r.csv")
    page = client.get(response.url).content.decode()
    assert "3行目、kind列" in page and "3行目、approval_fy列" in page
    assert 'id="registry-problems"' in page
    assert _snapshot() == before


def test_an_xlsx_upload_is_read(registry, client_for, mext_official):
    book = Workbook()
    book.active.append(["code", "name_ja", "kind", "approval_fy", "approved_on"])
    book.active.append(["TLO-XL", "表計算TLO", "approved_tlo", 2011, "2011-06-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(client_for(mext_official), buffer.getvalue(), "r.xlsx").status_code == 302
    created = Institution.objects.get(code="TLO-XL")
    assert (created.approval_fy, str(created.approved_on)) == (2011, "2011-06-01")


def test_read_registry_file_reads_shift_jis():
    InstitutionFactory(code="TLO-KEEP")
    rows = read_registry_file("code,name_ja,kind\nTLO-S,新しいTLO,approved_tlo\n".encode("cp932"))
    assert rows[0]["name_ja"] == "新しいTLO"


# --- partner universities ------------------------------------------------------------------


def test_partners_are_stored_under_full_names_with_the_seeds_abbreviation(registry):
    uttlo = Institution.objects.get(code="TLO-UTTLO")
    partners = list(uttlo.partners.values_list("name_ja", flat=True))
    assert partners == ["東京大学"]
    tokyo = uttlo.partners.get()
    assert "東大" in list(tokyo.aliases.values_list("name", flat=True))
    assert tokyo.name_en == "The University of Tokyo"
    assert not Institution.objects.filter(name_ja="東大").exists()
    assert InstitutionMatcher().match("東大") == tokyo


def test_loading_the_registry_twice_changes_nothing(registry):
    before = _snapshot()
    load_registry()
    assert _snapshot() == before


def test_migration_renames_abbreviated_universities_of_an_existing_database():
    migration = importlib.import_module(
        "institutions.migrations.0003_partner_universities_full_names"
    )
    tlo = InstitutionFactory(code="TLO-UTTLO")
    other_tlo = InstitutionFactory(code="TLO-KANSAI")
    todai = InstitutionFactory(
        code="UNIV-OLD1", name_ja="東大", kind=InstitutionKind.UNIVERSITY, tlo_type=""
    )
    kyodai = InstitutionFactory(
        code="UNIV-OLD2", name_ja="京大", kind=InstitutionKind.UNIVERSITY, tlo_type=""
    )
    headquarters = InstitutionFactory(
        code="IPHQ-TOKYO", name_ja="東京大学", kind=InstitutionKind.IP_HEADQUARTERS, tlo_type=""
    )
    Partnership.objects.create(tlo=tlo, university=todai)
    Partnership.objects.create(tlo=other_tlo, university=kyodai)

    migration.full_names(apps, None)
    migration.full_names(apps, None)  # twice: nothing more

    assert not Institution.objects.filter(pk=todai.pk).exists()
    assert list(tlo.partners.all()) == [headquarters]
    assert list(headquarters.aliases.values_list("name", flat=True)) == ["東大"]
    kyodai.refresh_from_db()
    assert (kyodai.code, kyodai.name_ja) == ("UNIV-OLD2", "京都大学")
    assert list(kyodai.aliases.values_list("name", flat=True)) == ["京大"]
    assert list(other_tlo.partners.all()) == [kyodai]


def test_filters_say_all_not_dashes(client_for, mext_official, staff_a):
    institutions = client_for(mext_official).get(reverse("institutions:list")).content.decode()
    reports = client_for(staff_a).get(reverse("metrics:report_list")).content.decode()
    for page in (institutions, reports):
        assert "---------" not in page
        assert ">すべて</option>" in page
