"""Affiliations and conflicts of interest: proposed by the product, declared by the person,
confirmed, pinned or dismissed by officials (CONFLICT_WORKFLOW)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from institutions.models import Institution, Partnership, User

from ..enums import ConflictAction, ConflictKind, ConflictState, Stage
from ..models import Affiliation, Assignment, Conflict
from ..permissions import can_declare_conflicts, can_manage_affiliations
from ..workflow import CONFLICT_WORKFLOW, ReviewError
from . import notices


def _proposal_reason(kind: str, university: Institution) -> str:
    with translation.override("ja"):
        if kind == ConflictKind.AFFILIATION:
            return _("Affiliated with %(institution)s.") % {"institution": university.name_ja}
        return _("Affiliated with %(university)s, a partner university of this TLO.") % {
            "university": university.name_ja
        }


@transaction.atomic
def propose_conflicts(
    *, institutions: Iterable[Institution] | None = None, people: Iterable[User] | None = None
) -> list[Conflict]:
    """Propose conflicts from affiliations: a person affiliated with an institution
    conflicts with it, and with the TLOs that institution is a partner university of.

    Limited to the given institutions and/or people. A pair that already has a conflict
    row (in any state, including dismissed) is left alone: people have decided on it.
    Side effects: the proposed conflicts are stored. Returns them.
    """
    affiliations = Affiliation.objects.select_related("institution")
    if people is not None:
        affiliations = affiliations.filter(person__in=list(people))
    wanted = None if institutions is None else {i.pk for i in institutions}
    partners: dict[int, list[int]] = {}
    for tlo_id, university_id in Partnership.objects.values_list("tlo_id", "university_id"):
        partners.setdefault(university_id, []).append(tlo_id)
    existing = set(Conflict.objects.values_list("person_id", "institution_id"))
    created = []
    for affiliation in affiliations:
        university = affiliation.institution
        targets = [(university.pk, ConflictKind.AFFILIATION)] + [
            (tlo, ConflictKind.PARTNER_UNIVERSITY) for tlo in partners.get(university.pk, [])
        ]
        for institution_id, kind in targets:
            key = (affiliation.person_id, institution_id)
            if key in existing or (wanted is not None and institution_id not in wanted):
                continue
            existing.add(key)
            created.append(
                Conflict.objects.create(
                    person_id=affiliation.person_id,
                    institution_id=institution_id,
                    kind=kind,
                    reason=_proposal_reason(kind, university),
                    state=ConflictState.PROPOSED,
                    proposed_from=university,
                )
            )
    return created


@transaction.atomic
def add_affiliation(*, actor: User, person: User, institution: Institution) -> Affiliation:
    """Record that the person belongs to the institution.

    Side effects: the affiliation is stored; conflicts are proposed from it; each one
    that touches an assignment is treated as a conflict declared after assignment.
    """
    if not can_manage_affiliations(actor):
        raise PermissionDenied
    affiliation, _created = Affiliation.objects.get_or_create(
        person=person, institution=institution
    )
    for conflict in propose_conflicts(people=[person]):
        _after_assignment(actor=actor, conflict=conflict)
    return affiliation


@transaction.atomic
def declare_conflict(*, actor: User, institution: Institution, kind: str, reason: str) -> Conflict:
    """The person declares a conflict of interest with the institution.

    Side effects, in order: the conflict is stored as declared (a withdrawn or dismissed
    one is declared again; an active one keeps its state and gets the new reason); if the
    person is assigned to the institution in a cycle not yet decided, their access ends
    at once (the predicates read the conflict), their scores leave every aggregate, and
    a message to the officials is staged.
    """
    if not can_declare_conflicts(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Please give a reason."))
    if kind not in ConflictKind.values:
        raise ReviewError(_("Choose a kind of conflict."))
    conflict = (
        Conflict.objects.select_for_update().filter(person=actor, institution=institution).first()
    )
    if conflict is None:
        conflict = Conflict(person=actor, institution=institution, state=ConflictState.DECLARED)
    elif not conflict.is_active:
        conflict.state = CONFLICT_WORKFLOW.check(actor, conflict, ConflictAction.DECLARE)
    conflict.kind = kind
    conflict.reason = reason
    conflict.declared_by = actor
    conflict._history_user = actor
    conflict.save()
    _after_assignment(actor=actor, conflict=conflict)
    return conflict


def _after_assignment(*, actor: User, conflict: Conflict) -> None:
    """Tell the officials when an active conflict touches a current assignment."""
    if not conflict.is_active:
        return
    assignments = Assignment.objects.filter(
        reviewer=conflict.person, entry__institution=conflict.institution
    ).exclude(entry__cycle__stage__in=[Stage.DECIDED, Stage.PUBLISHED])
    officials = list(User.objects.officials().filter(is_active=True))
    for assignment in assignments.select_related("entry__cycle", "entry__institution"):
        notices.conflict_after_assignment(
            actor=actor, entry=assignment.entry, person=conflict.person, officials=officials
        )


@transaction.atomic
def act_on_conflict(*, actor: User, conflict: Conflict, action: str, reason: str = "") -> Conflict:
    """Confirm, pin, unpin, withdraw or dismiss a conflict (CONFLICT_WORKFLOW).

    Side effects: the state changes with history (who, when); a dismissal's reason is
    appended to the conflict's reason; pinning or confirming a conflict that touches an
    assignment stages no new message (the declaration did).
    """
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
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
    return conflict
