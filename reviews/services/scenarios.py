"""Consolidation scenarios: create, change, delete (versioned, with history), and the link
from a merger or internalisation decision to the scenario it rests on."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from core.versions import claim_version
from institutions.enums import InstitutionKind
from institutions.models import Institution, Region, User

from ..enums import DecisionAction, DecisionState, Recommendation, ScenarioKind
from ..errors import ReviewError
from ..models import ConsolidationScenario, Decision, DecisionScenario, ReviewCycle, ScenarioMember
from ..permissions import can_view_consequences
from ..workflow import DECISION_WORKFLOW
from .decisions import _withdraw_approvals


def _check(
    kind: str,
    members: list[Institution],
    continuing: Institution | None,
    ip_headquarters: Institution | None,
    saved_costs_percent: Decimal,
) -> None:
    if kind not in ScenarioKind.values:
        raise ReviewError(_("Choose a merger or an internalisation."))
    if any(m.kind != InstitutionKind.APPROVED_TLO for m in members):
        raise ReviewError(_("Only approved TLOs can be members of a scenario."))
    if kind == ScenarioKind.MERGER:
        if len(members) < 2:
            raise ReviewError(_("A merger needs at least two approved TLOs."))
        if continuing is not None and continuing not in members:
            raise ReviewError(_("The continuing institution must be one of the members."))
    else:
        if len(members) != 1:
            raise ReviewError(_("An internalisation takes exactly one approved TLO."))
        if ip_headquarters is None or ip_headquarters.kind != InstitutionKind.IP_HEADQUARTERS:
            raise ReviewError(_("Choose the university IP headquarters that takes the TLO in."))
    if not Decimal(0) <= saved_costs_percent <= Decimal(100):
        raise ReviewError(_("The share of costs saved must be between 0 and 100 %."))


def _withdraw_linked_decisions(scenario: ConsolidationScenario, actor: User) -> None:
    """A change to a scenario is a change to the decisions that rest on it."""
    for link in scenario.decision_links.select_related("decision"):
        decision = Decision.objects.select_for_update().get(pk=link.decision_id)
        if decision.state == DecisionState.DRAFT and not decision.approvals.exists():
            continue
        decision.version += 1
        _withdraw_approvals(decision, actor)
        decision.state = DecisionState.DRAFT
        decision.reopen_reason = _("The scenario “%(name)s” it rests on was changed.") % {
            "name": scenario.name
        }
        decision._history_user = actor
        decision.save()


@transaction.atomic
def save_scenario(
    *,
    actor: User,
    cycle: ReviewCycle,
    scenario: ConsolidationScenario | None,
    name: str,
    kind: str,
    members: list[Institution],
    continuing: Institution | None = None,
    ip_headquarters: Institution | None = None,
    region: Region | None = None,
    tlo_type: str = "",
    saved_costs_percent: Decimal = Decimal(0),
    expected_version: int,
) -> ConsolidationScenario:
    """Create a scenario (`scenario=None`, `expected_version` 0) or change one that
    nobody changed since the form was opened.

    Side effects, in order: the version moves on; decisions that link the scenario
    lose their approvals and return to draft (history keeps them); the scenario and its
    members are saved with history.
    """
    if not can_view_consequences(actor):
        raise PermissionDenied
    if not name.strip():
        raise ReviewError(_("Give the scenario a name."))
    members = list(dict.fromkeys(members))
    _check(kind, members, continuing, ip_headquarters, saved_costs_percent)
    if kind == ScenarioKind.INTERNALISATION:
        continuing, region, tlo_type = None, None, ""
    else:
        ip_headquarters = None
    if scenario is None:
        claim_version(ConsolidationScenario(cycle=cycle), expected_version)
        scenario = ConsolidationScenario(cycle=cycle)
    else:
        scenario = ConsolidationScenario.objects.select_for_update().get(pk=scenario.pk)
        claim_version(scenario, expected_version)
        _withdraw_linked_decisions(scenario, actor)
    scenario.name = name.strip()[:200]
    scenario.kind = kind
    scenario.continuing, scenario.ip_headquarters = continuing, ip_headquarters
    scenario.region, scenario.tlo_type = region, tlo_type
    scenario.saved_costs_percent = saved_costs_percent
    scenario.updated_by = actor
    scenario._history_user = actor
    scenario.save()
    wanted = {m.pk for m in members}
    for member in scenario.members.all():
        if member.institution_id not in wanted:
            member._history_user = actor
            member.delete()
    present = set(scenario.members.values_list("institution_id", flat=True))
    for institution in members:
        if institution.pk not in present:
            member = ScenarioMember(scenario=scenario, institution=institution)
            member._history_user = actor
            member.save()
    bump_data_version()  # the deliberation names the scenarios decisions rest on (core.cache)
    return scenario


@transaction.atomic
def delete_scenario(*, actor: User, scenario: ConsolidationScenario, expected_version: int) -> None:
    """Delete a scenario no decision rests on (history keeps it)."""
    if not can_view_consequences(actor):
        raise PermissionDenied
    scenario = ConsolidationScenario.objects.select_for_update().get(pk=scenario.pk)
    claim_version(scenario, expected_version)
    if scenario.decision_links.exists():
        raise ReviewError(_("A decision rests on this scenario; unlink it first."))
    for member in scenario.members.all():
        member._history_user = actor
        member.delete()
    scenario._history_user = actor
    scenario.delete()


@transaction.atomic
def link_scenario(
    *,
    actor: User,
    decision: Decision,
    scenario: ConsolidationScenario | None,
    expected_version: int,
) -> Decision:
    """Make a merger or internalisation decision rest on a scenario of its cycle (None:
    unlink). This is a change to the decision: it withdraws its approvals.

    Side effects, in order: the decision's version moves on; its approvals are
    withdrawn; the link is saved or deleted with history; the decision returns to draft.
    """
    decision = (
        Decision.objects.select_for_update().select_related("entry__cycle").get(pk=decision.pk)
    )
    state = DECISION_WORKFLOW.check(actor, decision, DecisionAction.EDIT)
    if decision.recommendation not in (Recommendation.MERGE, Recommendation.INTERNALISE):
        raise ReviewError(_("Only a merger or an internalisation decision rests on a scenario."))
    if scenario is not None and scenario.cycle_id != decision.entry.cycle_id:
        raise ReviewError(_("The scenario belongs to another review."))
    claim_version(decision, expected_version)
    _withdraw_approvals(decision, actor)
    link = DecisionScenario.objects.filter(decision=decision).first()
    if scenario is None:
        if link is not None:
            link._history_user = actor
            link.delete()
    else:
        link = link or DecisionScenario(decision=decision)
        link.scenario = scenario
        link._history_user = actor
        link.save()
    decision.state = state
    decision.updated_by = actor
    decision._history_user = actor
    decision.save()
    bump_data_version()  # the deliberation shows the decision and its scenario (core.cache)
    return decision
