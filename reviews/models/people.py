"""Reviewers' affiliations, conflicts of interest and assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.enums import Ministry
from institutions.models import Institution

from ..enums import ACTIVE_CONFLICT_STATES, ConflictKind, ConflictState, ScoreState
from .cycles import CycleEntry


class Affiliation(models.Model):
    """An institution of the registry a person belongs to (a reviewer's university)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_affiliations",
        verbose_name=_("person"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="review_affiliates",
        verbose_name=_("institution"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "institution__code"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(fields=["person", "institution"], name="affiliation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.institution}"


class ConflictQuerySet(models.QuerySet):
    def active(self) -> ConflictQuerySet:
        return self.filter(state__in=ACTIVE_CONFLICT_STATES)


def active_conflict_between(person_ref, entry_ref) -> Exists:
    """An Exists() for queries: an active conflict of the person (an OuterRef to a user)
    with the institution in a cycle (an OuterRef to a CycleEntry)."""
    return Exists(Conflict.objects.active().filter(person=person_ref, entry=entry_ref))


class Conflict(models.Model):
    """A conflict of interest between a person (reviewer or official) and an institution
    in one review cycle.

    Active in the states proposed, declared, confirmed and pinned: the person is kept
    away from the institution in that cycle (no assignment, no access, scores withdrawn,
    no approval). A conflict belongs to a cycle so that declaring one never reaches back
    into a cycle already decided or published: its aggregates and decisions stay as they
    were. Each new cycle proposes again what the last one knew (reviews.services.conflicts).
    One row per person and institution in a cycle; its history keeps every change.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_conflicts",
        verbose_name=_("person"),
    )
    entry = models.ForeignKey(
        CycleEntry,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("institution in a review"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=12, choices=ConflictState.choices, default=ConflictState.DECLARED
    )
    # The affiliation a proposal came from (the product proposes, people decide).
    proposed_from = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed from the affiliation with"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["entry__institution__code", "person__username"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["person", "entry"], name="conflict_one_per_entry"),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
            models.CheckConstraint(
                condition=Q(state__in=ConflictState.values), name="conflict_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ConflictKind.values), name="conflict_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} × {self.entry}"

    @property
    def institution(self) -> Institution:
        return self.entry.institution

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_CONFLICT_STATES


class AssignmentQuerySet(models.QuerySet):
    def with_conflict_flag(self) -> AssignmentQuerySet:
        """Annotate `conflicted`: the reviewer has an active conflict with the institution."""
        return self.annotate(
            conflicted=active_conflict_between(OuterRef("reviewer"), OuterRef("entry"))
        )

    def unconflicted(self) -> AssignmentQuerySet:
        return self.with_conflict_flag().filter(conflicted=False)

    def submitted(self) -> AssignmentQuerySet:
        return self.filter(score_state=ScoreState.SUBMITTED)


class Assignment(models.Model):
    """A reviewer assigned to an institution of a cycle; carries the state of their scores."""

    entry = models.ForeignKey(
        CycleEntry,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("institution in a review"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    # The reviewer's ministry when assigned: their scores count for it in this cycle's
    # aggregates even if the person later moves (a decided cycle never changes).
    ministry = models.CharField(_("ministry"), max_length=8, choices=Ministry.choices)
    score_state = models.CharField(
        _("scores"), max_length=12, choices=ScoreState.choices, default=ScoreState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "reviewer__username"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["entry", "reviewer"], name="assignment_unique"),
            models.CheckConstraint(
                condition=Q(score_state__in=ScoreState.values), name="assignment_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(ministry__in=Ministry.values), name="assignment_ministry_valid"
            ),
            models.CheckConstraint(
                condition=~Q(score_state=ScoreState.SUBMITTED) | Q(submitted_at__isnull=False),
                name="assignment_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(score_state=ScoreState.REOPENED) | ~Q(reopen_reason=""),
                name="assignment_reopened_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.entry}"

    @property
    def is_submitted(self) -> bool:
        return self.score_state == ScoreState.SUBMITTED
