"""Scores: one per assignment and criterion. Who sees which is `Score.objects.visible_to`."""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..enums import ScoreState
from .cycles import Criterion
from .people import Assignment, active_conflict_between


class ScoreQuerySet(models.QuerySet):
    def with_withdrawn_flag(self) -> ScoreQuerySet:
        """Annotate `withdrawn`: the reviewer has since declared a conflict with the
        institution in this cycle, so the score counts in no aggregate (it stays in the
        history)."""
        if "withdrawn" in self.query.annotations:
            return self
        return self.annotate(
            withdrawn=active_conflict_between(
                OuterRef("assignment__reviewer"), OuterRef("assignment__entry")
            )
        )

    def counted(self) -> ScoreQuerySet:
        """The scores every aggregate stands on: submitted, with a value, not withdrawn."""
        return self.with_withdrawn_flag().filter(
            withdrawn=False,
            assignment__score_state=ScoreState.SUBMITTED,
            value__isnull=False,
        )

    def visible_to(self, user) -> ScoreQuerySet:
        """The scores this person may see. The one place the blind rule is written; every
        page, list, export, aggregate and chart reads scores through it.

        - Officials and administrators: every score (drafts and withdrawn ones included,
          marked as such where shown).
        - A reviewer: their own scores on institutions they are assigned to and not
          conflicted with; and, on an institution where their own scores are submitted
          (and they are not conflicted), the other reviewers' submitted, not withdrawn
          scores. Before submitting, nothing of anyone else's.
        - Everyone else (TLO staff, viewers): none.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_official or user.is_administrator:
            return self.all()
        if not user.is_reviewer:
            return self.none()
        mine = Assignment.objects.filter(reviewer=user).unconflicted()
        open_to_me = mine.submitted().values("entry")
        return self.with_withdrawn_flag().filter(
            Q(assignment__in=mine.values("pk"))
            | Q(
                assignment__entry__in=open_to_me,
                assignment__score_state=ScoreState.SUBMITTED,
                withdrawn=False,
            )
        )


class Score(models.Model):
    """A reviewer's score on one criterion for one institution, with a comment."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assignment")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "criterion__order", "criterion__code"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="score_one_per_assignment_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=1) & Q(value__lte=5)),
                name="score_value_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(value__in=[1, 5]) | ~Q(comment=""),
                name="score_extreme_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.criterion.code}: {self.value}"
