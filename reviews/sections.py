"""What the review adds to an institution's page (institutions.sections): its decisions,
for those who may see them (officials: every decision; its staff: published ones)."""

from __future__ import annotations

from core.sections import Section
from institutions.models import Institution, User

from .models import Decision
from .permissions import can_view_decision


def decision_section(*, user: User, institution: Institution) -> Section | None:
    """The institution's decisions this person may see, newest cycle first. Two
    queries, whatever the number of cycles."""
    decisions = list(
        Decision.objects.filter(entry__institution=institution)
        .select_related("entry__cycle", "entry__institution", "merge_partner")
        .order_by("-entry__cycle__fiscal_year")
    )
    if not decisions:
        return None
    decisions = [d for d in decisions if can_view_decision(user, d.entry, d)]
    if not decisions:
        return None
    return Section("reviews/_institution_decisions.html", {"decisions": decisions})
