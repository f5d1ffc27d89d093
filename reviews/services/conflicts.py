"""Affiliations and conflicts of interest: proposed by the product, declared by the person,
confirmed, pinned or dismissed by officials (CONFLICT_WORKFLOW).

A conflict belongs to one cycle (a CycleEntry). Declaring or changing one is possible
only while the cycle's stage allows conflicts, so a cycle that is decided or published
never changes afterwards. A new cycle proposes again what the product knows: conflicts
from affiliations, and the conflicts still active in the latest earlier cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from institutions.fiscal_years import format_fiscal_year
from institutions.models import Institution, Partnership, User

from ..enums import Activity, ConflictAction, ConflictKind, ConflictState
from ..errors import ReviewError
from ..gates import STAGE_GATES, require_stage, stage_allows
from ..models import Affiliation, Assignment, Conflict, CycleEntry, ReviewCycle
from ..permissions import can_manage_affiliations, can_view_conflicts
from ..workflow import CONFLICT_WORKFLOW
from . import notices

MAX_REASON = 2000


def _affiliation_reason(kind: str, university: Institution) -> str:
    with translation.override("ja"):
        if kind == ConflictKind.AFFILIATION:
            return _("Affiliated with %(institution)s.") % {"institution": university.name_ja}
        return _("Affiliated with %(university)s, a partner university of this TLO.") % {
            "university": university.name_ja
        }


def _carried_reason(previous: Conflict) -> str:
    with translation.override("ja"):
        text = _("Active in the %(year)s review: %(reason)s") % {
            "year": format_fiscal_year(previous.entry.cycle.fiscal_year, "ja"),
            "reason": previous.reason,
        }
    return text[:MAX_REASON]


def _affiliation_targets(people: list[User] | None) -> list[tuple[int, int, str, Institution]]:
    """(person id, institution id, kind, affiliated institution) for every affiliation:
    the institution itself, and the TLOs it is a partner university of."""
    affiliations = Affiliation.objects.select_related("institution")
    if people is not None:
        affiliations = affiliations.filter(person__in=people)
    partners: dict[int, list[int]] = {}
    for tlo_id, university_id in Partnership.objects.values_list("tlo_id", "university_id"):
        partners.setdefault(university_id, []).append(tlo_id)
    targets = []
    for affiliation in affiliations:
        university = affiliation.institution
        targets.append((affiliation.person_id, university.pk, ConflictKind.AFFILIATION, university))
        for tlo_id in partners.get(university.pk, []):
            targets.append(
                (affiliation.person_id, tlo_id, ConflictKind.PARTNER_UNIVERSITY, university)
            )
    return targets


def _previous_cycle(cycle: ReviewCycle) -> ReviewCycle | None:
    return (
        ReviewCycle.objects.filter(fiscal_year__lt=cycle.fiscal_year)
        .order_by("-fiscal_year")
        .first()
    )


@transaction.atomic
def propose_conflicts(
    *,
    cycle: ReviewCycle,
    entries: Iterable[CycleEntry] | None = None,
    people: Iterable[User] | None = None,
) -> list[Conflict]:
    """Propose conflicts in the cycle (limited to the given entries and/or people):

    - from affiliations: a person affiliated with an institution conflicts with it, and
      with the TLOs that institution is a partner university of;
    - from the latest earlier cycle: every conflict still active there, with the same
      kind and its reason.

    Nothing is proposed in a cycle whose stage no longer allows conflicts. A person and
    institution that already have a conflict in this cycle (in any state, dismissed
    included) are left alone: people have decided on it.
    Side effects: the proposed conflicts are stored; if there are any, the data version
    moves on (core.cache). Returns them.
    """
    if not stage_allows(cycle, Activity.DECLARE_CONFLICT):
        return []
    people = None if people is None else list(people)
    scope = cycle.entries.all()
    if entries is not None:
        scope = scope.filter(pk__in=[e.pk for e in entries])
    by_institution = {e.institution_id: e for e in scope}
    existing = set(Conflict.objects.filter(entry__cycle=cycle).values_list("person_id", "entry_id"))
    wanted: list[Conflict] = []

    def propose(person_id: int, institution_id: int, **fields) -> None:
        entry = by_institution.get(institution_id)
        if entry is None or (person_id, entry.pk) in existing:
            return
        existing.add((person_id, entry.pk))
        wanted.append(
            Conflict(person_id=person_id, entry=entry, state=ConflictState.PROPOSED, **fields)
        )

    for person_id, institution_id, kind, university in _affiliation_targets(people):
        propose(
            person_id,
            institution_id,
            kind=kind,
            reason=_affiliation_reason(kind, university),
            proposed_from=university,
        )
    previous = _previous_cycle(cycle)
    if previous is not None:
        carried = (
            Conflict.objects.active()
            .filter(entry__cycle=previous)
            .select_related("entry__cycle", "entry__institution")
            .order_by("pk")
        )
        if people is not None:
            carried = carried.filter(person__in=people)
        for conflict in carried:
            propose(
                conflict.person_id,
                conflict.entry.institution_id,
                kind=conflict.kind,
                reason=_carried_reason(conflict),
                proposed_from=conflict.proposed_from,
            )
    created = []
    for conflict in wanted:
        conflict.save()
        created.append(conflict)
    if created:
        bump_data_version()
    return created


@transaction.atomic
def add_affiliation(*, actor: User, person: User, institution: Institution) -> Affiliation:
    """Record that the person belongs to the institution.

    Side effects, in order: the affiliation is stored (with history); conflicts are
    proposed from it in every cycle whose stage still allows conflicts (never in a
    decided or published one); each that touches an assignment stages a message to the
    officials, as a conflict declared after assignment does.
    """
    if not can_manage_affiliations(actor):
        raise PermissionDenied
    affiliation = Affiliation.objects.filter(person=person, institution=institution).first()
    if affiliation is None:
        affiliation = Affiliation(person=person, institution=institution)
        affiliation._history_user = actor
        affiliation.save()
    open_stages = [s for s, gates in STAGE_GATES.items() if Activity.DECLARE_CONFLICT in gates]
    for cycle in ReviewCycle.objects.filter(stage__in=open_stages):
        for conflict in propose_conflicts(cycle=cycle, people=[person]):
            _after_assignment(actor=actor, conflict=conflict)
    return affiliation


@transaction.atomic
def declare_conflict(*, actor: User, entry: CycleEntry, kind: str, reason: str) -> Conflict:
    """The person declares a conflict of interest with an institution of a cycle.

    Refused once the cycle is decided (its results no longer change). Side effects, in
    order: the conflict is stored as declared in that cycle (a withdrawn or dismissed
    one is declared again; an active one keeps its state and gets the new reason); if
    the person is assigned to the institution in the cycle, their access ends at once
    (the predicates read the conflict), their scores leave every aggregate of the cycle,
    and a message to the officials is staged.

    Last, the data version moves on (core.cache).
    """
    if not can_view_conflicts(actor):
        raise PermissionDenied
    require_stage(entry.cycle, Activity.DECLARE_CONFLICT)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Please give a reason."))
    if len(reason) > MAX_REASON:
        raise ReviewError(
            _("The reason is longer than %(count)s characters.") % {"count": MAX_REASON}
        )
    if kind not in ConflictKind.values:
        raise ReviewError(_("Choose a kind of conflict."))
    conflict = Conflict.objects.select_for_update().filter(person=actor, entry=entry).first()
    if conflict is None:
        conflict = Conflict(person=actor, entry=entry, state=ConflictState.DECLARED)
    elif not conflict.is_active:
        conflict.state = CONFLICT_WORKFLOW.check(actor, conflict, ConflictAction.DECLARE)
    conflict.kind = kind
    conflict.reason = reason
    conflict.declared_by = actor
    conflict._history_user = actor
    try:
        with transaction.atomic():  # a savepoint: the first declaration may race another
            conflict.save()
    except IntegrityError:  # declared in another window at the same moment: update that one
        if not Conflict.objects.filter(person=actor, entry=entry).exists():
            raise
        return declare_conflict(actor=actor, entry=entry, kind=kind, reason=reason)
    _after_assignment(actor=actor, conflict=conflict)
    bump_data_version()
    return conflict


def _after_assignment(*, actor: User, conflict: Conflict) -> None:
    """Tell the officials when an active conflict touches an assignment of its cycle."""
    if not conflict.is_active:
        return
    assignment = (
        Assignment.objects.filter(reviewer=conflict.person, entry=conflict.entry)
        .select_related("entry__cycle", "entry__institution")
        .first()
    )
    if assignment is None:
        return
    officials = list(User.objects.officials().filter(is_active=True))
    notices.conflict_after_assignment(
        actor=actor, entry=assignment.entry, person=conflict.person, officials=officials
    )


@transaction.atomic
def act_on_conflict(*, actor: User, conflict: Conflict, action: str, reason: str = "") -> Conflict:
    """Confirm, pin, unpin, withdraw, dismiss or declare again a conflict
    (CONFLICT_WORKFLOW), while its cycle's stage allows conflicts.

    Side effects, in order: the state changes with history (who, when); a reason given
    is appended to the conflict's reason; a conflict that becomes active again and
    touches an assignment stages a message to the officials (confirming or pinning one
    that was active stages none: the declaration did).

    Last, the data version moves on (core.cache).
    """
    conflict = (
        Conflict.objects.select_for_update()
        .select_related("entry__cycle", "entry__institution")
        .get(pk=conflict.pk)
    )
    if not (can_view_conflicts(actor) and (actor.is_official or conflict.person_id == actor.pk)):
        raise PermissionDenied
    require_stage(conflict.entry.cycle, Activity.DECLARE_CONFLICT)
    target = CONFLICT_WORKFLOW.check(actor, conflict, action, reason=reason)
    was_active = conflict.is_active
    conflict.state = target
    if action in (
        ConflictAction.CONFIRM,
        ConflictAction.PIN,
        ConflictAction.UNPIN,
        ConflictAction.DISMISS,
    ):
        conflict.reviewed_by = actor
    if reason.strip():
        conflict.reason = f"{conflict.reason}\n{reason.strip()}"
    conflict._history_user = actor
    conflict.save()
    if not was_active and conflict.is_active:
        _after_assignment(actor=actor, conflict=conflict)
    bump_data_version()
    return conflict
