"""Who may open the dashboards. What each person sees on them (named or anonymised) is
the selectors' audience, from metrics.selectors.metric_values."""

from __future__ import annotations

from institutions.models import Institution, User
from institutions.permissions import can_see_all_institutions
from metrics.permissions import can_view_institution_metrics


def can_view_dashboards(user: User) -> bool:
    """The national dashboard: every signed-in person (anonymised unless named metrics)."""
    return user.is_authenticated


def can_view_benchmarks(user: User) -> bool:
    """Peer benchmark pages exist for officials, administrators and TLO staff; reviewers
    and viewers get a 403 (they have the anonymised national dashboard)."""
    return can_see_all_institutions(user) or (user.is_authenticated and user.is_tlo_staff)


def can_view_benchmark(user: User, institution: Institution) -> bool:
    """One institution's benchmark: officials for any, its own staff for it (others 404)."""
    return can_view_institution_metrics(user, institution)


def can_view_support_effects(user: User) -> bool:
    """The follow-up of support by tier names no institution but stands on the ministries'
    decisions: officials (and administrators) only."""
    return can_see_all_institutions(user)


def can_view_own_support_effects(user: User, institution: Institution) -> bool:
    """An institution's own before/after: officials for any, its staff for it."""
    return can_view_institution_metrics(user, institution)


def can_filter_dashboard(user: User) -> bool:
    """Views filtered by region, TLO type or specialisation, and their rankings: those who
    see named data only (issue #14: side by side, filtered views name institutions)."""
    return can_see_all_institutions(user)
