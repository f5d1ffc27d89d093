"""Decisions per institution and the two-key approval (DECISION_WORKFLOW)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from core.versions import StaleVersion, check_version, claim_version
from institutions.models import Institution, User

from ..enums import DecisionAction, DecisionState, Recommendation, SupportTier
from ..errors import ReviewError
from ..models import CycleEntry, Decision, DecisionApproval
from ..permissions import can_draft_decision
from ..workflow import DECISION_WORKFLOW, approve_action


def _withdraw_approvals(decision: Decision, actor: User) -> None:
    for approval in decision.approvals.all():
        approval._history_user = actor
        approval.delete()


@transaction.atomic
def save_decision(
    *,
    actor: User,
    entry: CycleEntry,
    tier: str,
    recommendation: str,
    merge_partner: Institution | None,
    rationale: str,
    expected_version: int,
) -> Decision:
    """Draft the decision, or change it if nobody changed it since the form was opened
    (`expected_version`; `NEW` for a decision not drafted yet).

    A merger names its partner institution (and only a merger does). Any change to a
    decision one ministry has approved withdraws that approval; a decision both have
    approved is locked (reopen it first). Saving without a change changes nothing.
    Side effects, in order: the version moves on; the decision is saved with history;
    withdrawn approvals are deleted (their history keeps them).

    Last, the data version moves on (core.cache).
    """
    if not can_draft_decision(actor, entry):
        raise PermissionDenied
    if tier not in SupportTier.values or recommendation not in Recommendation.values:
        raise ReviewError(_("Choose a support tier and a recommendation."))
    if not rationale.strip():
        raise ReviewError(_("Give the rationale."))
    if recommendation == Recommendation.MERGE and merge_partner is None:
        raise ReviewError(_("A merger needs its partner institution."))
    if recommendation != Recommendation.MERGE:
        merge_partner = None
    if merge_partner is not None and merge_partner.pk == entry.institution_id:
        raise ReviewError(_("An institution cannot merge with itself."))
    decision = Decision.objects.select_for_update().filter(entry=entry).first() or Decision(
        entry=entry, state=DecisionState.DRAFT
    )
    check_version(decision, expected_version)
    if decision.pk is not None:
        unchanged = (
            decision.tier == tier
            and decision.recommendation == recommendation
            and decision.merge_partner_id == (merge_partner.pk if merge_partner else None)
            and decision.rationale == rationale.strip()
        )
        if unchanged:
            return decision
        decision.state = DECISION_WORKFLOW.check(actor, decision, DecisionAction.EDIT)
        claim_version(decision, expected_version)
        _withdraw_approvals(decision, actor)
    decision.tier, decision.recommendation = tier, recommendation
    decision.merge_partner = merge_partner
    decision.rationale = rationale.strip()
    decision.updated_by = actor
    decision._history_user = actor
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:  # drafted by someone else at the same moment
        raise StaleVersion(decision) from None
    bump_data_version()
    return decision


def _current(decision: Decision, expected_version: int) -> Decision:
    """The decision as stored, locked; StaleVersion unless it is the version the person
    read (an approval always approves exactly the text its official saw)."""
    current = (
        Decision.objects.select_for_update()
        .select_related("entry__cycle", "entry__institution")
        .get(pk=decision.pk)
    )
    check_version(current, expected_version)
    return current


@transaction.atomic
def approve_decision(*, actor: User, decision: Decision, expected_version: int) -> Decision:
    """Approve, for the official's ministry, the version of the decision they read.

    The first approval needs the quorum of submitted reviewers of each ministry; the
    second must come from an official of the other ministry (a different person);
    neither may be conflicted with the institution. The ministry is always the
    official's own. Side effects, in order: the approval is stored (with history); the
    decision becomes approved by one, or approved (locked); its version moves on.

    Last, the data version moves on (core.cache).
    """
    decision = _current(decision, expected_version)
    action = approve_action(decision)
    target = DECISION_WORKFLOW.check(actor, decision, action)
    claim_version(decision, expected_version)
    approval = DecisionApproval(decision=decision, ministry=actor.ministry, official=actor)
    approval._history_user = actor
    approval.save()
    decision.state = target
    decision._history_user = actor
    decision.save(update_fields=["state", "version", "updated_at"])
    bump_data_version()
    return decision


@transaction.atomic
def reopen_decision(
    *, actor: User, decision: Decision, reason: str, expected_version: int
) -> Decision:
    """Unlock an approved decision so that it can change; both ministries approve again.

    Side effects, in order: the version moves on; the approvals are withdrawn (history
    keeps them); the decision returns to draft with the reason.

    Last, the data version moves on (core.cache).
    """
    decision = _current(decision, expected_version)
    decision.state = DECISION_WORKFLOW.check(actor, decision, DecisionAction.REOPEN, reason=reason)
    claim_version(decision, expected_version)
    _withdraw_approvals(decision, actor)
    decision.reopen_reason = reason.strip()
    decision._history_user = actor
    decision.save()
    bump_data_version()
    return decision
