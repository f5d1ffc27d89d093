"""Assigning reviewers to institutions, by hand or from an automatic proposal."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from core.people import person_name
from institutions.models import User

from ..enums import Activity
from ..errors import ReviewError
from ..gates import require_stage
from ..models import Assignment, Conflict, CycleEntry, ReviewCycle
from ..permissions import is_official
from . import notices


def _refusal(entry: CycleEntry, reviewer: User) -> str | None:
    if not reviewer.is_reviewer or not reviewer.is_active or not reviewer.ministry:
        return _("%(person)s is not a reviewer.") % {"person": person_name(reviewer)}
    if Conflict.objects.active().filter(person=reviewer, entry=entry).exists():
        return _("%(person)s has a conflict of interest with %(institution)s.") % {
            "person": person_name(reviewer),
            "institution": entry.institution,
        }
    if Assignment.objects.filter(entry=entry, reviewer=reviewer).exists():
        return _("%(person)s is already assigned to %(institution)s.") % {
            "person": person_name(reviewer),
            "institution": entry.institution,
        }
    return None


@transaction.atomic
def assign_reviewers(
    *, actor: User, cycle: ReviewCycle, pairs: Iterable[tuple[CycleEntry, User]]
) -> list[Assignment]:
    """Assign each reviewer to each institution; all pairs or none.

    A conflicted reviewer, a person who is not a reviewer, an institution of another
    cycle or a pair assigned already refuses the whole set with a message naming it.
    Side effects, in order: the assignments are stored (with history); one message to
    each reviewer newly assigned, listing the institutions, is staged in the outbox (or
    the reviewer's message for this cycle still waiting there is rewritten to list them
    all: notices.assignments_announced). Each assignment keeps the reviewer's ministry
    of today: their scores count for it in this cycle whatever happens to the person.

    Last, the data version moves on (core.cache).
    """
    if not is_official(actor):
        raise PermissionDenied
    require_stage(cycle, Activity.ASSIGN)
    pairs = list(pairs)
    seen = set()
    for entry, reviewer in pairs:
        if entry.cycle_id != cycle.pk:
            raise ReviewError(
                _("%(institution)s is not in this cycle.") % {"institution": entry.institution}
            )
        if (entry.pk, reviewer.pk) in seen:
            continue
        refusal = _refusal(entry, reviewer)
        if refusal:
            raise ReviewError(refusal)
        seen.add((entry.pk, reviewer.pk))
    created = []
    done = set()
    for entry, reviewer in pairs:
        if (entry.pk, reviewer.pk) in done:
            continue
        done.add((entry.pk, reviewer.pk))
        assignment = Assignment(
            entry=entry, reviewer=reviewer, ministry=reviewer.ministry, assigned_by=actor
        )
        assignment._history_user = actor
        assignment.save()
        created.append(assignment)
    # One message per reviewer for the cycle, listing the institutions (not one each).
    for reviewer in {a.reviewer_id: a.reviewer for a in created}.values():
        notices.assignments_announced(actor=actor, cycle=cycle, reviewer=reviewer)
    bump_data_version()
    return created


@transaction.atomic
def remove_assignment(*, actor: User, assignment: Assignment) -> None:
    """Remove an assignment that has no scores yet.

    Side effects, in order: the assignment is deleted (its history keeps it); the
    reviewer's assignment message for the cycle still waiting in the outbox is rewritten
    without it, or discarded if it listed nothing else.

    Last, the data version moves on (core.cache).
    """
    if not is_official(actor):
        raise PermissionDenied
    require_stage(assignment.entry.cycle, Activity.ASSIGN)
    if assignment.scores.exists():
        raise ReviewError(
            _("%(person)s has entered scores for this institution; the assignment stays.")
            % {"person": person_name(assignment.reviewer)}
        )
    assignment._history_user = actor
    assignment.delete()
    notices.assignments_announced(
        actor=actor, cycle=assignment.entry.cycle, reviewer=assignment.reviewer, may_create=False
    )
    bump_data_version()
