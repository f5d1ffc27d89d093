"""Who may do what in the joint review. One predicate per rule.

Who sees which scores is Score.objects.visible_to(user) (the blind rule); what each
stage opens is reviews.gates; which state changes a person may make is reviews.workflow.
"""

from __future__ import annotations

from institutions.models import User
from institutions.permissions import is_member, is_official

from .enums import Activity
from .gates import stage_allows
from .models import Assignment, Conflict, CycleEntry, Decision, ReviewCycle

__all__ = ["is_official"]  # institutions.permissions' predicate, used here throughout


def is_reviewer(user: User) -> bool:
    return user.is_authenticated and user.is_reviewer


def has_conflict(user: User, entry: CycleEntry) -> bool:
    """The person has an active conflict of interest with the institution in this cycle."""
    if not user.is_authenticated:
        return False
    return Conflict.objects.active().filter(person=user, entry=entry).exists()


def assignment_of(user: User, entry: CycleEntry) -> Assignment | None:
    """The person's assignment to this institution, if they are assigned and not conflicted."""
    if not is_reviewer(user):
        return None
    assignment = Assignment.objects.filter(entry=entry, reviewer=user).first()
    if assignment is None or has_conflict(user, entry):
        return None
    return assignment


def is_assigned_unconflicted(user: User, entry: CycleEntry) -> bool:
    """An assigned, unconflicted reviewer of the institution."""
    return assignment_of(user, entry) is not None


# --- cycles -------------------------------------------------------------------------


def can_manage_cycles(user: User) -> bool:
    """Officials of either ministry run cycles: stages, settings, assignments, hearings."""
    return is_official(user)


def can_list_cycles(user: User) -> bool:
    return is_official(user) or is_reviewer(user) or (user.is_authenticated and user.is_tlo_staff)


def can_view_cycle(user: User, cycle: ReviewCycle) -> bool:
    """The cycle is one of ReviewCycle.objects.visible_to(user)."""
    return ReviewCycle.objects.visible_to(user).filter(pk=cycle.pk).exists()


def can_edit_settings(user: User, cycle: ReviewCycle) -> bool:
    return is_official(user) and stage_allows(cycle, Activity.EDIT_SETTINGS)


def can_assign(user: User, cycle: ReviewCycle) -> bool:
    return is_official(user) and stage_allows(cycle, Activity.ASSIGN)


def can_deliberate(user: User, cycle: ReviewCycle) -> bool:
    """The deliberation page (every score and aggregate): officials, once scoring is open."""
    return is_official(user) and stage_allows(cycle, Activity.DELIBERATE)


def can_export_results(user: User) -> bool:
    return is_official(user)


# --- an institution in a cycle ------------------------------------------------------


def can_view_entry(user: User, entry: CycleEntry) -> bool:
    """The institution's review page: officials; its own staff; an assigned,
    unconflicted reviewer while the stage lets reviewers read the material."""
    if is_official(user):
        return True
    if is_member(user, entry.institution):
        return True
    return stage_allows(entry.cycle, Activity.READ_MATERIAL) and is_assigned_unconflicted(
        user, entry
    )


def can_view_statement(user: User, entry: CycleEntry) -> bool:
    return can_view_entry(user, entry)


def can_edit_statement(user: User, entry: CycleEntry) -> bool:
    return is_member(user, entry.institution) and stage_allows(
        entry.cycle, Activity.WRITE_STATEMENT
    )


def can_view_material(user: User, entry: CycleEntry) -> bool:
    """Named metrics, trends and reports of the institution: officials, and its assigned,
    unconflicted reviewers while the stage allows (its staff see theirs elsewhere)."""
    if is_official(user):
        return True
    return stage_allows(entry.cycle, Activity.READ_MATERIAL) and is_assigned_unconflicted(
        user, entry
    )


def can_score(user: User, entry: CycleEntry) -> bool:
    """The scoring page: an assigned, unconflicted reviewer."""
    return can_view_material(user, entry) and is_assigned_unconflicted(user, entry)


def can_view_hearing(user: User, entry: CycleEntry) -> bool:
    return can_view_entry(user, entry)


def can_view_minutes(user: User, entry: CycleEntry) -> bool:
    """Minutes are the reviewers' and officials' record, not the institution's."""
    return is_official(user) or can_view_material(user, entry)


def can_see_attendee_addresses(user: User) -> bool:
    """A hearing's .ics names its attendees (with e-mail addresses) for the ministries'
    people; the institution's staff get the event without them."""
    return is_official(user) or is_reviewer(user)


def can_schedule_hearing(user: User, cycle: ReviewCycle) -> bool:
    return is_official(user) and stage_allows(cycle, Activity.SCHEDULE_HEARING)


def can_view_hearing_day(user: User, cycle: ReviewCycle) -> bool:
    """A day's hearings across institutions: officials; reviewers see their own."""
    return is_official(user) or is_reviewer(user)


def can_download_sheet(user: User, entry: CycleEntry) -> bool:
    """The hearing sheet: officials, and assigned unconflicted reviewers."""
    return can_view_material(user, entry)


# --- decisions ----------------------------------------------------------------------


def can_view_decision(user: User, entry: CycleEntry, decision: Decision | None) -> bool:
    """Officials see drafts; the institution's staff see their approved decision once the
    cycle is published."""
    if is_official(user):
        return True
    return (
        decision is not None
        and decision.is_approved
        and stage_allows(entry.cycle, Activity.SEE_DECISION)
        and is_member(user, entry.institution)
    )


def can_draft_decision(user: User, entry: CycleEntry) -> bool:
    """An official, not conflicted with the institution, during the deliberation."""
    return (
        is_official(user)
        and stage_allows(entry.cycle, Activity.DECIDE)
        and not has_conflict(user, entry)
    )


# --- conflicts ----------------------------------------------------------------------


def can_view_conflicts(user: User) -> bool:
    """The conflicts page of a cycle: reviewers (their own) and officials (everyone's)."""
    return is_reviewer(user) or is_official(user)


def can_declare_conflicts(user: User, cycle: ReviewCycle) -> bool:
    """Reviewers and officials declare (and act on) conflicts while the cycle's stage
    allows: never once it is decided, so that its aggregates and decisions stay as
    they were."""
    return can_view_conflicts(user) and stage_allows(cycle, Activity.DECLARE_CONFLICT)


def can_review_conflicts(user: User, cycle: ReviewCycle) -> bool:
    """Officials confirm, pin or dismiss conflicts while the stage allows conflicts."""
    return is_official(user) and stage_allows(cycle, Activity.DECLARE_CONFLICT)


def can_see_all_conflicts(user: User) -> bool:
    return is_official(user)


def can_manage_affiliations(user: User) -> bool:
    return is_official(user)


# --- consequences: support allocation and consolidation scenarios -------------------


def can_view_consequences(user: User) -> bool:
    """Allocations and scenarios, with every institution's amounts and figures: officials
    of either ministry (reviewers, viewers and TLO staff never)."""
    return is_official(user)


def can_allocate(user: User, cycle: ReviewCycle) -> bool:
    """An official, while the cycle's stage allows allocating (deliberation, decided)."""
    return is_official(user) and stage_allows(cycle, Activity.ALLOCATE)


def can_see_own_amount(user: User, entry: CycleEntry, allocation) -> bool:
    """The institution's staff see its approved amount once the cycle is published."""
    return (
        allocation is not None
        and allocation.is_approved
        and stage_allows(entry.cycle, Activity.SEE_DECISION)
        and is_member(user, entry.institution)
    )
