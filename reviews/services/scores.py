"""Entering, submitting and reopening a reviewer's scores (SCORE_WORKFLOW)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from institutions.models import User

from ..enums import ScoreAction
from ..errors import ReviewError
from ..models import Assignment, Score
from ..workflow import SCORE_WORKFLOW
from . import notices


@dataclass(frozen=True)
class ScoreInput:
    value: int | None
    comment: str


class ScoreErrors(ReviewError):
    """Scores that cannot be saved: a message per criterion code."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some scores need attention."))
        self.errors = errors


MAX_COMMENT = 5000


def _validate(assignment: Assignment, scores: Mapping[str, ScoreInput], *, submit: bool) -> None:
    errors = {}
    for criterion in assignment.entry.cycle.criteria.all():
        given = scores.get(criterion.code, ScoreInput(None, ""))
        if given.value is not None and (
            not isinstance(given.value, int) or not 1 <= given.value <= 5
        ):
            errors[criterion.code] = _("A score is a whole number from 1 to 5.")
        elif len(given.comment) > MAX_COMMENT or "\x00" in given.comment:
            errors[criterion.code] = _(
                "A comment has at most %(count)s characters and no control characters."
            ) % {"count": MAX_COMMENT}
        elif given.value in (1, 5) and not given.comment.strip():
            errors[criterion.code] = _("A score of 1 or 5 needs a comment.")
        elif submit and given.value is None:
            errors[criterion.code] = _("Give a score before submitting.")
    if errors:
        raise ScoreErrors(errors)


@transaction.atomic
def record_scores(
    *, actor: User, assignment: Assignment, scores: Mapping[str, ScoreInput], submit: bool
) -> Assignment:
    """Save the reviewer's scores for every criterion as a draft, or submit them.

    All criteria or none. Submitting needs a score for every criterion; a 1 or a 5 always
    needs a comment. Side effects, in order: each criterion's score is stored (history
    keeps every change); on submit the assignment becomes submitted with the time, and
    from then on the reviewer sees the other submitted scores on the institution.

    Last, the data version moves on (core.cache).
    """
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("entry__cycle", "entry__institution")
        .get(pk=assignment.pk)
    )
    action = ScoreAction.SUBMIT if submit else ScoreAction.SAVE
    target = SCORE_WORKFLOW.check(actor, assignment, action)
    _validate(assignment, scores, submit=submit)
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    for criterion in assignment.entry.cycle.criteria.all():
        given = scores.get(criterion.code, ScoreInput(None, ""))
        score = existing.get(criterion.pk) or Score(assignment=assignment, criterion=criterion)
        if score.pk and score.value == given.value and score.comment == given.comment.strip():
            continue
        score.value = given.value
        score.comment = given.comment.strip()
        score._history_user = actor
        score.save()
    assignment.score_state = target
    if submit:
        assignment.submitted_at = timezone.now()
    assignment._history_user = actor
    assignment.save()
    bump_data_version()
    return assignment


@transaction.atomic
def reopen_scores(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """An official reopens submitted scores so that the reviewer can change them.

    Side effects, in order: the assignment becomes reopened with the reason (history
    keeps who and when); its scores leave the aggregates until submitted again; a
    message to the reviewer is staged.

    Last, the data version moves on (core.cache).
    """
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("entry__cycle", "entry__institution", "reviewer")
        .get(pk=assignment.pk)
    )
    assignment.score_state = SCORE_WORKFLOW.check(
        actor, assignment, ScoreAction.REOPEN, reason=reason
    )
    assignment.reopen_reason = reason.strip()
    assignment._history_user = actor
    assignment.save()
    notices.scores_reopened(
        actor=actor, entry=assignment.entry, reviewer=assignment.reviewer, reason=reason.strip()
    )
    bump_data_version()
    return assignment
