"""The attacks of issue #14, each a test of its own: putting two anonymised views side by
side, with the public registry or one's own figures, must not name an institution."""

from fractions import Fraction

import pytest
from django.utils import translation

from dashboards.selectors.national import DashboardFilters, national_dashboard
from metrics.calculations.disclosure import Knowledge, determined_small_sums
from metrics.services.metric_values import recompute_metric_values
from reviews.models import Assignment
from reviews.services import cycles
from tests.dashboards.dashboard_support import build_country, figures_for
from tests.factories import InstitutionFactory, RegionFactory, staff_of
from tests.metrics.metric_builders import accepted_report

URL = "/dashboards/"
REFUSED = "地域・TLO類型・専門分野で絞り込んだ表示は担当官のみが利用できます。"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


@pytest.fixture
def anonymised_readers(country, viewer, mext_reviewer, mext_official):
    cycle = cycles.create_cycle(
        actor=mext_official, fiscal_year=2010, institutions=[country.institutions["TLO-N1"]]
    )
    Assignment.objects.create(
        entry=cycle.entries.get(), reviewer=mext_reviewer, ministry=mext_reviewer.ministry
    )
    staff = staff_of(country.institutions["TLO-K2"], username="k2-staff")
    return {"viewer": viewer, "reviewer": mext_reviewer, "staff": staff}


@pytest.mark.parametrize("reader", ["viewer", "reviewer", "staff"])
@pytest.mark.parametrize(
    "query",
    [
        # Attack 1: 関東 and 内部型 rankings share one value; the registry has one TLO of both.
        {"region": "kanto"},
        {"tlo_type": "internal"},
        # Attack 2: 関東 (4) minus 関東 × 広域型 (3) is the fourth TLO's figure.
        {"region": "kanto", "tlo_type": "external_wide_area"},
        {"specialisation": "general"},
    ],
)
def test_filtered_views_are_refused_to_anonymised_readers(
    client_for, anonymised_readers, reader, query
):
    response = client_for(anonymised_readers[reader]).get(URL, {"fy": 2010, **query})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_anonymised_page_offers_no_region_type_or_specialisation_filter(
    client_for, anonymised_readers
):
    body = client_for(anonymised_readers["viewer"]).get(URL, {"fy": 2010}).content.decode()
    for name in ("region", "tlo_type", "specialisation"):
        assert f'name="{name}"' not in body
    assert 'name="metric"' in body


def test_officials_still_filter_and_see_names(client_for, country, mext_official):
    response = client_for(mext_official).get(
        URL, {"fy": 2010, "region": "kanto", "tlo_type": "external_wide_area"}
    )
    assert response.status_code == 200
    assert "名前TLO-K1" in response.content.decode()


def _shown_totals(board, code: str, members_of) -> Knowledge:
    """Equations a reader writes from the dashboard's totals of one figure."""
    knowledge = Knowledge()
    if board.totals:
        knowledge.add(dict.fromkeys(members_of(lambda i: True), 1))
    for table, rows in (("region", board.by_region), ("tlo_type", board.by_type)):
        for row in rows:
            if not row.totals_withheld and row.totals.get(code) is not None:
                knowledge.add(dict.fromkeys(members_of(lambda i, r=row, t=table: i[t] == r.key), 1))
    return knowledge


def test_region_and_type_totals_together_determine_no_small_sum_for_a_viewer(country, viewer):
    registry = {
        i.pk: {"region": i.region.code, "tlo_type": i.tlo_type}
        for i in country.institutions.values()
    }

    def members_of(keep):
        return [pk for pk, groups in registry.items() if keep(groups)]

    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=viewer)
    knowledge = _shown_totals(board, "licence_income", members_of)
    assert determined_small_sums(knowledge, sorted(registry), below=3) == []
    assert board.totals  # the national total itself is still shown


def test_national_total_of_three_is_withheld_from_the_staff_of_one_of_them(
    client_for, db, mext_official
):
    region = RegionFactory()
    three = [InstitutionFactory(region=region, approval_fy=2000) for _ in range(3)]
    for n, institution in enumerate(three):
        accepted_report(institution, 2010, **figures_for(1_000_000 * (n + 1), 5_000_000, 3, 10, 4))
    recompute_metric_values()
    staff = staff_of(three[0], username="one-of-three")
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=staff)
    assert board.withheld and board.totals == []
    point = next(p for p in board.trend if p.fiscal_year == 2010)
    assert point.withheld and point.totals["licence_income"] is None
    # Own figures known, the total would give the other two's sum: nowhere in the download.
    others = Fraction(2_000_000 + 3_000_000)
    download = client_for(staff).get(URL, {"fy": 2010, "download": "trend_amounts"})
    assert str(int(others)) not in download.content.decode()
    assert str(6_000_000) not in download.content.decode()
    # An official sees it all.
    official = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    assert {t.code: t.value for t in official.totals}["licence_income"] == 6_000_000
