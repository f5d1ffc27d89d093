"""The metric catalogue, a metric's page, and the metrics section of an institution's page."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from institutions.enums import ConsolidationKind, TloType
from institutions.models import ConsolidationEvent
from metrics.services.metric_values import recompute_metric_values
from tests.factories import InstitutionFactory, RegionFactory, staff_of
from tests.metrics.metric_builders import accepted_report
from tests.support import get_ok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _japanese():
    # reverse() prefixes URLs with the active language; an English request leaves it active.
    with translation.override("ja"):
        yield


COSTS = {"personnel_costs": 8_000_000, "patent_costs": 2_000_000}


def metric_url(code="return_on_cost", **params):
    url = reverse("metrics:metric_detail", args=[code])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


@pytest.fixture
def ranked(institution_a, institution_b):
    """A at 250%, B at 50%, C with no costs (not defined), all FY2010."""
    institution_c = InstitutionFactory(code="TLO-CCC", name_ja="機関C")
    accepted_report(institution_a, 2010, licence_income=25_000_000, **COSTS)
    accepted_report(institution_b, 2010, licence_income=5_000_000, **COSTS)
    accepted_report(institution_c, 2010, licence_income=1, personnel_costs=0, patent_costs=0)
    recompute_metric_values()
    return institution_a, institution_b, institution_c


# --- catalogue ---------------------------------------------------------------------------


def test_catalogue_needs_sign_in(anonymous_client):
    response = anonymous_client.get(reverse("metrics:catalogue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_catalogue_shows_every_definition_with_its_formula(client_for, viewer):
    response = client_for(viewer).get(reverse("metrics:catalogue"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('id="definition-') == 17
    assert "ライセンス収入 / (人件費 + 特許関係費)" in page
    assert "打率" in page and "打点" in page and "ホームラン率" in page


def test_catalogue_in_english(client_for, viewer):
    page = client_for(viewer).get("/en" + reverse("metrics:catalogue")).content.decode()
    assert "licence income / (personnel costs + patent-related costs)" in page
    assert "products/services commercialised / licences granted (cumulative)" in page


# --- one metric's page -------------------------------------------------------------------


def test_metric_page_needs_sign_in(anonymous_client):
    response = anonymous_client.get(metric_url())
    assert response.status_code == 302


def test_metric_page_unknown_code_is_404(client_for, viewer):
    assert client_for(viewer).get(metric_url("no_such_metric")).status_code == 404


def test_metric_page_is_anonymised_for_a_viewer(client_for, viewer, ranked):
    response = client_for(viewer).get(metric_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "承認TLO (A)" in page and "承認TLO (B)" in page
    assert "機関A" not in page and "機関B" not in page and "TLO-AAA" not in page
    assert "250.0%" in page and "50.0%" in page
    assert [row.label for row in response.context["page"].ranking.rows] == [
        "承認TLO (A)",
        "承認TLO (B)",
    ]
    assert (response.context["page"].ranking.ranked, response.context["page"].ranking.excluded) == (
        2,
        1,
    )


def test_metric_page_names_institutions_for_an_official(client_for, mext_official, ranked):
    response = client_for(mext_official).get(metric_url())
    assert [(r.rank, r.label) for r in response.context["page"].ranking.rows] == [
        (1, "機関A"),
        (2, "機関B"),
    ]


def test_metric_page_marks_a_staff_members_own_institution(client_for, staff_b, ranked):
    response = client_for(staff_b).get(metric_url())
    rows = response.context["page"].ranking.rows
    assert [(r.label, r.is_own) for r in rows] == [("承認TLO (A)", False), ("承認TLO (B)", True)]
    assert "機関A" not in response.content.decode()


def test_metric_page_aggregates_pooled_and_median(client_for, mext_official, ranked):
    page = client_for(mext_official).get(metric_url()).context["page"]
    # pooled: (25M + 5M) / (10M + 10M) = 150%; median of 250% and 50% = 150% too, so
    # check the counts and a group where they differ below.
    assert page.national.pooled_display == "150.0%"
    assert (page.national.aggregate.included, page.national.aggregate.excluded) == (2, 1)
    assert [row.group for row in page.by_type] == [str(TloType.EXTERNAL_WIDE_AREA.label)]


def test_metric_page_pooled_differs_from_median(client_for, mext_official):
    small = InstitutionFactory(region=RegionFactory(code="kinki", name_ja="近畿地区"))
    large = InstitutionFactory(region=small.region)
    middle = InstitutionFactory(region=small.region)
    accepted_report(small, 2010, licence_income=2, personnel_costs=1, patent_costs=0)  # 200%
    accepted_report(middle, 2010, licence_income=1, personnel_costs=1, patent_costs=0)  # 100%
    accepted_report(large, 2010, licence_income=10, personnel_costs=100, patent_costs=0)  # 10%
    recompute_metric_values()
    page = client_for(mext_official).get(metric_url()).context["page"]
    kinki = page.by_region[0]
    assert kinki.group == "近畿地区"
    assert kinki.aggregate.pooled == pytest.approx(13 / 102)
    assert kinki.aggregate.median == 1.0


def test_metric_page_without_values(client_for, viewer):
    response = client_for(viewer).get(metric_url())
    assert response.status_code == 200
    assert response.context["page"].ranking is None


def test_metric_page_csv_download_is_anonymised_for_a_viewer(client_for, viewer, ranked):
    response = client_for(viewer).get(metric_url(fy=2010, format="csv", headers="codes"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows == [
        ["rank", "label", "value", "value_display"],
        ["1", "承認TLO (A)", "2.5", "250.0%"],
        ["2", "承認TLO (B)", "0.5", "50.0%"],
    ]


def test_metric_page_xlsx_download_names_institutions_for_an_official(
    client_for, meti_official, ranked
):
    response = client_for(meti_official).get(metric_url(fy=2010, format="xlsx", headers="codes"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.values) == [
        ("rank", "institution_code", "label", "value", "value_display"),
        (1, "TLO-AAA", "機関A", 2.5, "250.0%"),
        (2, "TLO-BBB", "機関B", 0.5, "50.0%"),
    ]


def test_metric_page_aggregates_download(client_for, mext_official, ranked):
    response = client_for(mext_official).get(
        metric_url(fy=2010, format="csv", table="aggregates", headers="codes")
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["grouping", "group", "pooled", "median", "included", "excluded", "note"]
    national = rows[1]
    assert (national[0], *national[2:]) == ("national", "1.5", "1.5", "2", "1", "")


def test_metric_downloads_have_japanese_headers_by_default(client_for, mext_official, ranked):
    client = client_for(mext_official)
    ranking = client.get(metric_url(fy=2010, format="csv"))
    rows = list(csv.reader(io.StringIO(ranking.content.decode("utf-8-sig"))))
    assert rows[0] == ["順位", "機関コード", "機関", "値", "表示値"]
    aggregates = client.get(metric_url(fy=2010, format="csv", table="aggregates"))
    rows = list(csv.reader(io.StringIO(aggregates.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["区分", "グループ", "合算値", "中央値"]
    assert rows[1][0] == "全国"


# --- what the page says about the year and who it stands on ---------------------------


def test_metric_page_says_how_many_were_expected_and_reported(client_for, mext_official, ranked):
    InstitutionFactory.create_batch(3)  # expected (approved TLOs), nothing reported
    response = get_ok(client_for(mext_official), metric_url(fy=2010))
    assert response.context["coverage"] == (6, 3)
    assert "6機関中3機関" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "2099x", "99999999999", "1800"])
def test_metric_page_with_an_invalid_year_says_so(client_for, viewer, ranked, value):
    response = client_for(viewer).get(metric_url(fy=value))
    assert response.status_code == 400
    assert response.context["page"] is None
    assert 'id="parameter-errors"' in response.content.decode()


def test_metric_page_with_a_year_without_values_says_so(client_for, viewer, ranked):
    response = get_ok(client_for(viewer), metric_url(fy=2009))
    assert response.context["page"].fiscal_year == 2009
    assert 'id="no-values"' in response.content.decode()
    assert "2009年度" in response.content.decode()


def test_metric_page_defaults_to_the_latest_year_most_reported(client_for, viewer, ranked):
    institution_a = ranked[0]
    accepted_report(institution_a, 2011, licence_income=1, **COSTS)  # 1 of 3 for FY2011
    recompute_metric_values()
    response = get_ok(client_for(viewer), metric_url())
    assert response.context["page"].fiscal_year == 2010


# --- small groups: what an anonymised reader may not see ------------------------------

WITHHELD = "3機関未満のため非表示"


def test_small_group_is_withheld_from_a_viewer_on_the_page(client_for, viewer, ranked):
    # Two institutions in the region: its pooled value is one of theirs, near enough,
    # and the registry says who is in the region.
    response = client_for(viewer).get(metric_url())
    page = response.context["page"]
    # Issue #14: groups by region are the dashboard's fixed tables, not this page's.
    assert page.by_region == []
    assert page.national.withheld is True
    html = response.content.decode()
    assert WITHHELD in html
    assert "150.0%" not in html


def test_small_group_is_withheld_from_a_viewer_in_the_download(client_for, viewer, ranked):
    response = client_for(viewer).get(metric_url(fy=2010, format="csv", table="aggregates"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[2:] for row in rows[1:]] == [["", "", "2", "1", WITHHELD]] * len(rows[1:])


def test_small_group_is_shown_to_officials(client_for, mext_official, ranked):
    page = client_for(mext_official).get(metric_url()).context["page"]
    assert page.by_region[0].withheld is False
    assert page.by_region[0].pooled == pytest.approx(1.5)


def test_anonymised_median_is_never_one_institutions_own_value(client_for, viewer, mext_official):
    region = RegionFactory(code="kinki", name_ja="近畿地区")
    for income in (1, 2, 6, 7, 9):
        accepted_report(
            InstitutionFactory(region=region),
            2010,
            licence_income=income,
            personnel_costs=1,
            patent_costs=0,
        )
    recompute_metric_values()
    for_viewer = client_for(viewer).get(metric_url()).context["page"].national
    for_official = client_for(mext_official).get(metric_url()).context["page"].national
    assert for_official.median == 6.0  # the middle institution's own ratio (600%)
    assert for_viewer.median == pytest.approx((2 + 6 + 7) / 3)  # mean of the middle three


def test_group_of_three_is_shown_to_a_viewer(client_for, viewer):
    region = RegionFactory(code="kinki", name_ja="近畿地区")
    for income in (1, 2, 3):
        accepted_report(
            InstitutionFactory(region=region),
            2010,
            licence_income=income,
            personnel_costs=1,
            patent_costs=0,
        )
    recompute_metric_values()
    national = client_for(viewer).get(metric_url()).context["page"].national
    assert (national.withheld, national.median) == (False, 2.0)  # (1 + 2 + 3) / 3


def test_national_cell_of_three_is_withheld_from_the_staff_of_one(client_for, viewer):
    institutions = [InstitutionFactory() for _ in range(3)]
    for income, institution in zip((1, 2, 3), institutions, strict=True):
        accepted_report(institution, 2010, licence_income=income, personnel_costs=1, patent_costs=0)
    recompute_metric_values()
    staff = staff_of(institutions[0], username="one-of-three")
    assert client_for(staff).get(metric_url()).context["page"].national.withheld is True
    assert client_for(viewer).get(metric_url()).context["page"].national.withheld is False


def test_reviewers_get_no_aggregate_on_the_metric_page(client_for, mext_reviewer):
    for income in (1, 2, 3, 4):
        accepted_report(
            InstitutionFactory(), 2010, licence_income=income, personnel_costs=1, patent_costs=0
        )
    recompute_metric_values()
    page = client_for(mext_reviewer).get(metric_url()).context["page"]
    assert page.national.withheld is True and page.by_region == []
    assert len(page.ranking.rows) == 4  # the national ranking, anonymised, stays


def test_anonymised_readers_get_no_groups_on_the_metric_page(client_for, viewer):
    # jobs_created is a total: groups next to the national total are the dashboard's.
    big, small = RegionFactory(code="kanto"), RegionFactory(code="kinki", name_ja="近畿地区")
    third = RegionFactory(code="kyushu", name_ja="九州・沖縄地区", order=9)
    for region, count in ((big, 4), (small, 1), (third, 3)):
        for _ in range(count):
            accepted_report(InstitutionFactory(region=region), 2010, jobs_created=5)
    recompute_metric_values()
    page = client_for(viewer).get(metric_url("jobs_created")).context["page"]
    assert page.by_region == [] and page.by_type == []
    assert page.national.pooled == 8 * 5


def _add_institutions(count):
    for _ in range(count):
        institution = InstitutionFactory()
        accepted_report(institution, 2010, licence_income=1_000_000, **COSTS)
    recompute_metric_values()


def test_metric_page_queries_do_not_grow_with_institutions(
    client_for, mext_official, assert_constant_queries
):
    client = client_for(mext_official)
    _add_institutions(1)
    assert_constant_queries(lambda: get_ok(client, metric_url()), lambda: _add_institutions(48))


# --- the institution page's metrics section ------------------------------------------


def institution_url(institution):
    return reverse("institutions:detail", args=[institution.code])


@pytest.fixture
def reported(institution_a):
    report = accepted_report(
        institution_a, 2010, licence_income=25_000_000, licences_granted=5, **COSTS
    )
    recompute_metric_values()
    return report


def test_institution_section_shows_values_with_provenance(client_for, staff_a, reported):
    response = client_for(staff_a).get(institution_url(reported.institution))
    page = response.content.decode()
    assert 'id="institution-metrics"' in page
    assert "250.0%" in page
    assert reverse("metrics:report_detail", args=[reported.pk]) in page
    metrics = next(
        s.context["metrics"] for s in response.context["sections"] if "metrics" in s.context
    )
    line = next(line for line in metrics.lines if line.definition.code == "return_on_cost")
    cell = line.cells[0]
    assert [(o.text, o.total) for o in cell.operands] == [
        ("ライセンス収入", "25,000,000円"),
        ("人件費 + 特許関係費", "10,000,000円"),
    ]
    assert cell.operands[1].contributions[0].figures == [
        ("人件費", "8,000,000円"),
        ("特許関係費", "2,000,000円"),
    ]


def test_institution_section_shows_amounts_in_the_readers_unit(client_for, staff_a, reported):
    staff_a.amount_unit = "million"
    staff_a.save()
    response = client_for(staff_a).get(institution_url(reported.institution))
    metrics = next(
        s.context["metrics"] for s in response.context["sections"] if "metrics" in s.context
    )
    line = next(line for line in metrics.lines if line.definition.code == "return_on_cost")
    assert [o.total for o in line.cells[0].operands] == ["25.0百万円", "10.0百万円"]
    assert 'id="benchmark-link"' in response.content.decode()


def test_institution_section_hidden_from_other_institutions_staff_and_viewers(
    client_for, staff_b, viewer, reported
):
    for person in (staff_b, viewer):
        page = client_for(person).get(institution_url(reported.institution)).content.decode()
        assert 'id="institution-metrics"' not in page
        assert "250.0%" not in page


def test_institution_section_for_an_official(client_for, meti_official, reported):
    page = client_for(meti_official).get(institution_url(reported.institution)).content.decode()
    assert 'id="institution-metrics"' in page


def test_institution_section_shows_predecessor_reports(client_for, mext_official):
    rikogaku = InstitutionFactory(code="TLO-RIKOGAKU", name_ja="(財)理工学振興会")
    titech = InstitutionFactory(code="TLO-TITECH", name_ja="東京工業大学産学連携推進本部")
    ConsolidationEvent.objects.create(
        predecessor=rikogaku,
        successor=titech,
        kind=ConsolidationKind.INTERNALISATION,
        occurred_on="2008-03-31",
    )
    earlier = accepted_report(rikogaku, 2007, licences_granted=30)
    accepted_report(titech, 2008, licences_granted=10, commercialisations=2)
    recompute_metric_values()

    response = client_for(mext_official).get(institution_url(titech))
    page = response.content.decode()
    assert "5.0%" in page  # 2 / (30 + 10)
    assert reverse("metrics:report_detail", args=[earlier.pk]) in page
    assert "(財)理工学振興会" in page


def _add_others(count):
    for _ in range(count):
        accepted_report(InstitutionFactory(), 2010, licence_income=1, **COSTS)
    recompute_metric_values()


def test_institution_section_queries_do_not_grow_with_institutions(
    client_for, mext_official, assert_constant_queries
):
    client = client_for(mext_official)
    target = InstitutionFactory()
    for year in (2009, 2010):
        accepted_report(target, year, licence_income=1_000_000, licences_granted=2, **COSTS)
    recompute_metric_values()
    assert_constant_queries(
        lambda: get_ok(client, institution_url(target)), lambda: _add_others(49)
    )
