"""Scenario pages: officials only; create, change (withdrawing a linked decision's
approvals), delete, download; the link from a decision."""

import csv
import io

import pytest
from django.urls import reverse

from institutions.enums import InstitutionKind
from reviews.enums import DecisionState, Recommendation, ScenarioKind, SupportTier
from reviews.models import ConsolidationScenario, Decision, DecisionApproval, DecisionScenario
from reviews.services import scenarios
from tests.factories import InstitutionFactory
from tests.metrics.metric_builders import accepted_report

from .consequences_support import decided_cycle


@pytest.fixture
def cycle(institution_a, institution_b):
    accepted_report(
        institution_a,
        2010,
        licence_income=3_000_000,
        personnel_costs=2_000_000,
        patent_costs=1_000_000,
    )
    accepted_report(
        institution_b,
        2010,
        licence_income=1_000_000,
        personnel_costs=1_000_000,
        patent_costs=1_000_000,
    )
    return decided_cycle(
        tiers={institution_a: SupportTier.STANDARD, institution_b: SupportTier.CONDITIONAL}
    )


@pytest.fixture
def scenario(cycle, mext_official, institution_a, institution_b):
    return scenarios.save_scenario(
        actor=mext_official,
        cycle=cycle,
        scenario=None,
        name="A+B",
        kind=ScenarioKind.MERGER,
        members=[institution_a, institution_b],
        expected_version=0,
    )


def urls(scenario):
    return [
        reverse("reviews:scenarios", args=[2010]),
        reverse("reviews:scenario", args=[2010, scenario.pk]),
        reverse("reviews:scenario_download", args=[2010, scenario.pk, "csv"]),
        reverse("reviews:scenario_download", args=[2010, scenario.pk, "xlsx"]),
    ]


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer", "staff_a"])
def test_scenario_pages_refuse_other_roles(request, client_for, scenario, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in urls(scenario):
        assert client.get(url).status_code == 403, url
    delete = reverse("reviews:scenario_delete", args=[2010, scenario.pk])
    assert client.post(delete, {"version": scenario.version}).status_code == 403
    assert client.post(urls(scenario)[0], {"version": 0, "name": "x"}).status_code == 403
    assert ConsolidationScenario.objects.count() == 1


def test_scenario_pages_send_anonymous_to_login(anonymous_client, scenario):
    for url in urls(scenario):
        assert "/accounts/login/" in anonymous_client.get(url)["Location"]


def test_scenario_official_creates_a_merger(
    client_for, cycle, meti_official, institution_a, institution_b
):
    response = client_for(meti_official).post(
        reverse("reviews:scenarios", args=[2010]),
        {
            "version": 0,
            "name": "統合案",
            "kind": "merger",
            "members": [institution_a.pk, institution_b.pk],
            "saved_costs_percent": "10",
        },
    )
    scenario = ConsolidationScenario.objects.get()
    assert response.status_code == 302
    assert scenario.history.first().history_user == meti_official
    page = client_for(meti_official).get(reverse("reviews:scenario", args=[2010, scenario.pk]))
    assert page.status_code == 200
    # (3M + 1M) / (3M + 2M) = 80.0%; with 10% of 5M saved: 4M / 4.5M = 88.9%
    assert "80.0%" in page.content.decode()
    assert "88.9%" in page.content.decode()


def test_scenario_merger_of_one_is_refused_with_a_message(
    client_for, cycle, meti_official, institution_a
):
    response = client_for(meti_official).post(
        reverse("reviews:scenarios", args=[2010]),
        {
            "version": 0,
            "name": "x",
            "kind": "merger",
            "members": [institution_a.pk],
            "saved_costs_percent": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ConsolidationScenario.objects.exists()


def test_scenario_download_for_scripts(client_for, scenario, mext_official):
    response = client_for(mext_official).get(
        reverse("reviews:scenario_download", args=[2010, scenario.pk, "csv"]) + "?headers=codes"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["metric_code", "institution_code", "fiscal_year", "value"]
    assert ["return_on_cost", "combined", "2010", "0.8"] in rows


def test_editing_a_linked_scenario_withdraws_the_decisions_approvals(
    scenario, mext_official, institution_a, institution_b, cycle
):
    decision = Decision.objects.get(entry__institution=institution_a)
    Decision.objects.filter(pk=decision.pk).update(
        recommendation=Recommendation.MERGE,
        merge_partner=institution_b,
        state=DecisionState.APPROVED_BY_ONE,
    )
    decision.refresh_from_db()
    scenarios.link_scenario(
        actor=mext_official,
        decision=decision,
        scenario=scenario,
        expected_version=decision.version,
    )
    decision.refresh_from_db()
    DecisionApproval.objects.create(decision=decision, ministry="mext", official=mext_official)
    Decision.objects.filter(pk=decision.pk).update(state=DecisionState.APPROVED_BY_ONE)
    scenarios.save_scenario(
        actor=mext_official,
        cycle=cycle,
        scenario=scenario,
        name="A+B 改",
        kind=ScenarioKind.MERGER,
        members=[institution_a, institution_b],
        expected_version=scenario.version,
    )
    decision.refresh_from_db()
    assert decision.state == DecisionState.DRAFT
    assert not decision.approvals.exists()


def test_link_scenario_through_the_decision_page(
    client_for, scenario, mext_official, institution_a, institution_b, cycle
):
    cycle.stage = "deliberation"
    cycle.save()
    decision = Decision.objects.get(entry__institution=institution_a)
    Decision.objects.filter(pk=decision.pk).update(
        recommendation=Recommendation.MERGE,
        merge_partner=institution_b,
        state=DecisionState.DRAFT,
    )
    decision.refresh_from_db()
    response = client_for(mext_official).post(
        reverse("reviews:decision_scenario", args=[2010, "TLO-AAA"]),
        {"version": decision.version, "scenario": scenario.pk},
    )
    assert response.status_code == 302
    assert DecisionScenario.objects.get(decision=decision).scenario == scenario


def test_link_scenario_refused_to_reviewers(client_for, scenario, mext_reviewer):
    response = client_for(mext_reviewer).post(
        reverse("reviews:decision_scenario", args=[2010, "TLO-AAA"]),
        {"version": 1, "scenario": scenario.pk},
    )
    assert response.status_code == 403
    assert not DecisionScenario.objects.exists()


def test_internalisation_needs_an_ip_headquarters(cycle, mext_official, institution_a):
    from reviews.errors import ReviewError

    with pytest.raises(ReviewError):
        scenarios.save_scenario(
            actor=mext_official,
            cycle=cycle,
            scenario=None,
            name="内部化",
            kind=ScenarioKind.INTERNALISATION,
            members=[institution_a],
            ip_headquarters=InstitutionFactory(kind=InstitutionKind.UNIVERSITY, tlo_type=""),
            expected_version=0,
        )


def _merger(cycle, actor, members, **kwargs):
    return scenarios.save_scenario(
        actor=actor,
        cycle=cycle,
        scenario=None,
        name="統合案",
        kind=ScenarioKind.MERGER,
        members=members,
        expected_version=0,
        **kwargs,
    )


def test_save_scenario_all_costs_saved_accepted(cycle, mext_official, institution_a, institution_b):
    from decimal import Decimal

    saved = _merger(
        cycle, mext_official, [institution_a, institution_b], saved_costs_percent=Decimal(100)
    )
    assert ConsolidationScenario.objects.get(pk=saved.pk).saved_costs_percent == 100


def test_save_scenario_more_than_all_costs_saved_refused(
    cycle, mext_official, institution_a, institution_b
):
    from decimal import Decimal

    from reviews.errors import ReviewError

    with pytest.raises(ReviewError):
        _merger(
            cycle,
            mext_official,
            [institution_a, institution_b],
            saved_costs_percent=Decimal("100.01"),
        )
    assert not ConsolidationScenario.objects.exists()


def test_save_scenario_continuing_outside_the_members_refused(
    cycle, mext_official, institution_a, institution_b
):
    from reviews.errors import ReviewError

    outsider = InstitutionFactory(code="TLO-OUT")
    with pytest.raises(ReviewError):
        _merger(cycle, mext_official, [institution_a, institution_b], continuing=outsider)
    assert not ConsolidationScenario.objects.exists()


def test_delete_scenario_a_decision_rests_on_refused(
    scenario, mext_official, institution_a, institution_b
):
    from reviews.errors import ReviewError

    decision = Decision.objects.get(entry__institution=institution_a)
    Decision.objects.filter(pk=decision.pk).update(
        recommendation=Recommendation.MERGE,
        merge_partner=institution_b,
        state=DecisionState.DRAFT,
    )
    decision.refresh_from_db()
    scenarios.link_scenario(
        actor=mext_official, decision=decision, scenario=scenario, expected_version=decision.version
    )
    scenario.refresh_from_db()
    with pytest.raises(ReviewError):
        scenarios.delete_scenario(
            actor=mext_official, scenario=scenario, expected_version=scenario.version
        )
    assert ConsolidationScenario.objects.filter(pk=scenario.pk).exists()


def test_delete_scenario_without_decision_deleted(scenario, mext_official):
    scenarios.delete_scenario(
        actor=mext_official, scenario=scenario, expected_version=scenario.version
    )
    assert not ConsolidationScenario.objects.filter(pk=scenario.pk).exists()


def test_linking_or_editing_a_scenario_moves_the_data_version(
    scenario, mext_official, institution_a, institution_b, cycle
):
    """The deliberation, which is cached (core.cache), names the scenarios decisions
    rest on and shows the decisions' states."""
    from core.cache import current_data_version

    decision = Decision.objects.get(entry__institution=institution_a)
    Decision.objects.filter(pk=decision.pk).update(
        recommendation=Recommendation.MERGE,
        merge_partner=institution_b,
        state=DecisionState.APPROVED_BY_ONE,
    )
    decision.refresh_from_db()
    before = current_data_version()
    scenarios.link_scenario(
        actor=mext_official, decision=decision, scenario=scenario, expected_version=decision.version
    )
    linked = current_data_version()
    assert linked > before
    scenarios.save_scenario(
        actor=mext_official,
        cycle=cycle,
        scenario=scenario,
        name="A+B 改",
        kind=ScenarioKind.MERGER,
        members=[institution_a, institution_b],
        expected_version=scenario.version,
    )
    assert current_data_version() > linked
