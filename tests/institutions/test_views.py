import csv
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from institutions.models import Institution
from institutions.services import load_registry
from tests.support import get_ok

pytestmark = pytest.mark.django_db

EXPORT_HEADER = [
    "code",
    "name_ja",
    "name_en",
    "kind",
    "tlo_type",
    "legal_form",
    "region",
    "specialisation",
    "status",
    "approval_fy",
    "approved_on",
    "revoked_on",
    "name_kana",
]


@pytest.fixture
def registry(db):
    load_registry()


def _csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf"), "CSV for Excel starts with a BOM"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_institution_list_anonymous_redirects_to_login(anonymous_client):
    response = anonymous_client.get("/institutions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_institution_list_filters_by_region(registry, client_for, viewer):
    response = client_for(viewer).get("/institutions/", {"region": "kinki", "kind": "approved_tlo"})
    codes = {i.code for i in response.context["institutions"]}
    assert codes == {"TLO-NAIST", "TLO-KOBE-SUPPORT", "TLO-KANSAI", "TLO-NIRO", "TLO-OSAKA"}


def test_institution_list_filters_combine(registry, client_for, viewer):
    response = client_for(viewer).get(
        "/institutions/", {"region": "kanto", "tlo_type": "external_integrated"}
    )
    codes = {i.code for i in response.context["institutions"]}
    assert codes == {"TLO-UTTLO", "TLO-IIS", "TLO-TUAT", "TLO-CAMPUSCREATE"}


def test_institution_list_filters_by_status(registry, client_for, viewer):
    response = client_for(viewer).get("/institutions/", {"status": "revoked"})
    assert len(response.context["institutions"]) == 6


def test_institution_list_searches_aliases(registry, client_for, viewer):
    response = client_for(viewer).get("/institutions/", {"q": "くまもとテクノ産業財団"})
    assert [i.code for i in response.context["institutions"]] == ["TLO-KUMAMOTO"]


def test_institution_list_csv_has_exactly_the_filtered_rows(registry, client_for, viewer):
    response = client_for(viewer).get(
        "/institutions/", {"region": "kanto", "kind": "approved_tlo", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0] == EXPORT_HEADER
    expected = set(
        Institution.objects.filter(region__code="kanto", kind="approved_tlo").values_list(
            "code", flat=True
        )
    )
    assert {row[0] for row in rows[1:]} == expected
    assert len(rows) - 1 == 20  # 18 active and 2 revoked approved TLOs in Kanto


def test_institution_list_csv_uses_data_file_codes(registry, client_for, viewer):
    rows = _csv_rows(
        client_for(viewer).get("/institutions/", {"q": "TLO-RIKOGAKU", "format": "csv"})
    )
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["kind"] == "approved_tlo"
    assert record["region"] == "kanto"
    assert record["status"] == "revoked"
    assert record["legal_form"] == "zaidan_hojin"
    assert record["approval_fy"] == "1999"
    assert record["revoked_on"] == "2008-03-31"


def test_institution_list_xlsx_has_the_filtered_rows(registry, client_for, viewer):
    response = client_for(viewer).get("/institutions/", {"region": "kinki", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADER
    assert len(rows) - 1 == Institution.objects.filter(region__code="kinki").count()


def test_institution_list_export_neutralises_formulas(client_for, viewer, institution_a):
    institution_a.name_ja = '=HYPERLINK("http://example.invalid")'
    institution_a.save()
    rows = _csv_rows(client_for(viewer).get("/institutions/", {"format": "csv"}))
    assert rows[1][1] == '\'=HYPERLINK("http://example.invalid")'


def test_institution_list_query_count_does_not_grow(client_for, viewer, assert_constant_queries):
    from tests.factories import InstitutionFactory

    client = client_for(viewer)
    InstitutionFactory()
    assert_constant_queries(
        lambda: get_ok(client, "/institutions/"),
        lambda: InstitutionFactory.create_batch(30),
    )
    assert len(client.get("/institutions/").context["institutions"]) == 31


def test_institution_detail_shows_consolidation_history(registry, client_for, viewer):
    response = client_for(viewer).get("/institutions/TLO-TITECH/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "理工学振興会" in content  # its predecessor
    response = client_for(viewer).get("/institutions/TLO-RIKOGAKU/")
    assert "東京工業大学産学連携推進本部" in response.content.decode()  # its successor


def test_institution_detail_unknown_code_is_404(client_for, viewer):
    assert client_for(viewer).get("/institutions/NO-SUCH/").status_code == 404


def test_registry_timeline_counts_approvals_per_year(registry, client_for, viewer):
    response = client_for(viewer).get(reverse("institutions:timeline"))
    rows = {row["fiscal_year"]: row for row in response.context["rows"]}
    # 1998: 日本大学 (internal), 東京大学TLO (integrated), 関西TLO and 東北テクノアーチ (wide area).
    assert rows[1998]["by_type"] == [1, 1, 2, 0]
    assert rows[2010]["cumulative"] == 52  # 46 active + 6 revoked approved TLOs
    assert len(response.context["events"]) == 6


def test_registry_upload_forbidden_for_other_roles(client_for, staff_a, mext_reviewer, viewer):
    for person in (staff_a, mext_reviewer, viewer):
        assert client_for(person).get(reverse("institutions:upload")).status_code == 403


def test_registry_upload_by_official_adds_institutions(registry, client_for, mext_official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = (
        "code,name_ja,alias_ja,kind,tlo_type,legal_form,region,partner_universities,"
        "approval_fy,approved_on,status,revoked_on\n"
        "TLO-NEW,新設TLO,(株)新設TLO,approved_tlo,external_wide_area,kabushiki_kaisha,kinki,"
        "新大学,2011,2011-05-01,active,\n"
    ).encode("cp932")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(mext_official).post(
            reverse("institutions:upload"), {"file": SimpleUploadedFile("r.csv", body)}
        )
    assert response.status_code == 302
    created = Institution.objects.get(code="TLO-NEW")
    assert (created.name_ja, created.region.code, created.approval_fy) == ("新設TLO", "kinki", 2011)
    assert created.history.first().history_user == mext_official


def test_registry_upload_with_bad_row_changes_nothing(registry, client_for, mext_official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Institution.objects.count()
    body = (
        "code,name_ja,kind,region\n"
        "TLO-OK,良い行,approved_tlo,kanto\n"
        "TLO-BAD,悪い行,approved_tlo,atlantis\n"
    ).encode()
    client = client_for(mext_official)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("institutions:upload"), {"file": SimpleUploadedFile("r.csv", body)}
        )
    page = client.get(response.url).content.decode()
    assert "Row 3" in page or "3行目" in page
    assert "atlantis" in page
    assert Institution.objects.count() == before


def test_language_switch_serves_english(registry, client_for, viewer):
    response = client_for(viewer).get("/en/institutions/TLO-TITECH/")
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "en"
    assert '<html lang="en">' in response.content.decode()
    japanese = client_for(viewer).get("/institutions/TLO-TITECH/")
    assert '<html lang="ja">' in japanese.content.decode()
    assert 'href="/en/institutions/TLO-TITECH/"' in japanese.content.decode()


def test_language_switch_names_language_in_itself(client_for, viewer):
    english_page = client_for(viewer).get("/en/institutions/").content.decode()
    assert (
        '<a class="language-switch" href="/institutions/" lang="ja" hreflang="ja">日本語</a>'
        in english_page
    )


def test_admin_exports_registry_for_administrator(registry, client_for):
    from tests.factories import UserFactory

    admin = UserFactory(username="admin", role="administrator", is_staff=True, is_superuser=True)
    client = client_for(admin)
    assert client.get("/admin/institutions/institution/").status_code == 200
    response = client.post(
        "/admin/institutions/institution/export/",
        {
            "format": "0",
            "resource": "0",
            "institutionresource_code": "on",
            "institutionresource_region": "on",
        },
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "code,region"
    assert "TLO-UTTLO,kanto" in lines


def test_admin_refuses_non_staff(client_for, mext_official):
    response = client_for(mext_official).get("/admin/institutions/institution/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_admin_has_no_registry_import(registry, client_for):
    # The registry is loaded only through the upload page and institutions.services.
    from tests.factories import UserFactory

    admin = UserFactory(username="admin", role="administrator", is_staff=True, is_superuser=True)
    response = client_for(admin).get("/admin/institutions/institution/import/", follow=True)
    assert b'name="import_file"' not in response.content
    assert "import_export/import.html" not in [t.name for t in response.templates]
