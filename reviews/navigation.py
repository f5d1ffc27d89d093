"""The review's links in the header and on the home page (core.sections)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from core.sections import NavItem, Section
from institutions.models import User

from . import permissions
from .enums import DecisionState, ScoreState, Stage
from .models import Assignment, CycleEntry, Decision
from .selectors.pages import cycles_for


def navigation(*, user: User) -> list[NavItem]:
    if not permissions.can_list_cycles(user):
        return []
    return [
        NavItem(
            "reviews",
            _("Reviews and hearings"),
            reverse("reviews:cycles"),
            _(
                "Joint MEXT–METI review cycles: statements, assignments, hearings, scores, decisions."
            ),
        )
    ]


def home_panel(*, user: User) -> Section | None:
    """What the review asks of this person now: a reviewer's unsubmitted assignments in
    cycles whose material is open (with a link to score while scoring is open); TLO
    staff's open statements and published decisions; officials' current cycles. Fixed
    queries."""
    if permissions.is_reviewer(user):
        pending = list(
            Assignment.objects.filter(
                reviewer=user, entry__cycle__stage__in=[Stage.STATEMENTS, Stage.SCORING]
            )
            .unconflicted()
            .exclude(score_state=ScoreState.SUBMITTED)
            .select_related("entry__institution", "entry__cycle")
            .order_by("-entry__cycle__fiscal_year", "entry__institution__code")
        )
        return Section("reviews/_home_reviewer.html", {"pending": pending})
    if user.is_authenticated and user.is_tlo_staff:
        entries = list(
            CycleEntry.objects.filter(institution__in=user.memberships.values("institution"))
            .annotate(
                decided=Exists(
                    Decision.objects.filter(entry=OuterRef("pk"), state=DecisionState.APPROVED)
                )
            )
            .select_related("cycle", "institution")
            .order_by("-cycle__fiscal_year", "institution__code")
        )
        if not entries:
            return None
        return Section(
            "reviews/_home_staff.html",
            {
                "open_statements": [e for e in entries if e.cycle.stage == Stage.STATEMENTS],
                "published": [e for e in entries if e.cycle.stage == Stage.PUBLISHED and e.decided],
            },
        )
    if permissions.is_official(user):
        return Section(
            "reviews/_home_official.html",
            {"cycles": list(cycles_for(user).exclude(stage=Stage.PUBLISHED))},
        )
    return None
