"""Whether support worked: cohort medians by tier against institutions in no cycle, and
an institution's own before/after on its page."""

import pytest
from django.urls import reverse

from dashboards.selectors.support_effects import (
    LICENCE_INCOME,
    NO_CYCLE,
    Point,
    cohort_points,
    support_follow_up,
)
from reviews.enums import Stage, SupportTier
from reviews.models import Allocation, AllocationLine
from tests.factories import InstitutionFactory
from tests.metrics.metric_builders import accepted_report
from tests.reviews.consequences_support import decided_cycle


def test_cohort_points_medians_and_counts_by_hand():
    groups = {"prioritised": {1, 2, 3}, NO_CYCLE: {9}}
    values = {
        ("m", 1, 2010): 1.0,
        ("m", 2, 2010): 5.0,
        ("m", 3, 2010): 2.0,
        ("m", 1, 2007): 4.0,
        ("m", 2, 2007): 6.0,  # 3 has no value in 2007: left out, count 2
        ("m", 9, 2013): 7.0,
    }
    cohorts = cohort_points(groups, values, fiscal_year=2010, measures=["m"])
    prioritised, comparison = cohorts
    assert prioritised.series["m"][0] == Point(2.0, 3)
    assert prioritised.series["m"][-3] == Point(5.0, 2)
    assert prioritised.series["m"][1] == Point(None, 0)
    assert comparison.series["m"][3] == Point(7.0, 1)
    assert comparison.members == 1


@pytest.fixture
def published(institution_a, institution_b):
    outsider = InstitutionFactory(code="TLO-OUT")
    for institution, income in ((institution_a, 30), (institution_b, 10), (outsider, 7)):
        accepted_report(institution, 2011, licence_income=income * 1_000_000)
    cycle = decided_cycle(
        fiscal_year=2010,
        stage=Stage.PUBLISHED,
        tiers={institution_a: SupportTier.PRIORITISED, institution_b: SupportTier.PRIORITISED},
    )
    allocation = Allocation.objects.create(
        cycle=cycle,
        budget_yen=5_000_000,
        weight_prioritised=3,
        weight_standard=2,
        weight_conditional=1,
        weight_none=0,
        state="approved",
    )
    AllocationLine.objects.create(
        allocation=allocation,
        institution=institution_a,
        tier=SupportTier.PRIORITISED,
        weight=3,
        computed_yen=2_500_000,
        amount_yen=2_500_000,
    )
    return cycle


def test_support_follow_up_groups_the_published_cycle(published):
    (follow_up,) = support_follow_up()
    keys = [c.key for c in follow_up.cohorts]
    assert keys == ["prioritised", NO_CYCLE]
    prioritised = follow_up.cohorts[0]
    # licence income one year after: median of 30M and 10M
    assert prioritised.series[LICENCE_INCOME][1] == Point(20_000_000.0, 2)
    assert follow_up.cohorts[1].series[LICENCE_INCOME][1] == Point(7_000_000.0, 1)


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer", "staff_a"])
def test_support_effects_page_refuses_other_roles(request, client_for, published, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("dashboards:support_effects")
    )
    assert response.status_code == 403


def test_support_effects_page_for_officials(client_for, published, mext_official):
    response = client_for(mext_official).get(reverse("dashboards:support_effects"))
    assert response.status_code == 200
    assert b'id="no-causal-claim"' in response.content
    assert b'id="follow-up-2010"' in response.content


def test_institution_before_after_for_its_staff(client_for, published, staff_a, staff_b):
    url = reverse("institutions:detail", args=["TLO-AAA"])
    response = client_for(staff_a).get(url)
    assert b'id="support-before-after"' in response.content
    assert "2,500,000" in response.content.decode()


def test_institution_before_after_not_before_publication(client_for, published, staff_a):
    published.stage = Stage.DECIDED
    published.save()
    response = client_for(staff_a).get(reverse("institutions:detail", args=["TLO-AAA"]))
    assert b'id="support-before-after"' not in response.content


def test_institution_before_after_not_for_reviewers(client_for, published, mext_reviewer):
    response = client_for(mext_reviewer).get(reverse("institutions:detail", args=["TLO-AAA"]))
    assert b'id="support-before-after"' not in response.content


def test_support_effects_page_names_years_relative_to_the_review(
    client_for, published, mext_official
):
    page = client_for(mext_official).get(reverse("dashboards:support_effects")).content.decode()
    for label in ("3年度前", "1年度前", "審査年度", "1年度後", "3年度後"):
        assert f'<th scope="col" class="num">{label}</th>' in page
