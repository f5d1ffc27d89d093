"""What the dashboards add to an institution's page (core.sections): its own metrics
before and after each review it took part in, with its tier and allocated amount."""

from __future__ import annotations

from core.sections import Section
from institutions.models import Institution, User
from reviews.permissions import is_official

from .permissions import can_view_own_support_effects
from .selectors.support_effects import OFFSETS, before_after_rows, institution_before_after


def support_section(*, user: User, institution: Institution) -> Section | None:
    """Officials see every approved decision's cycle; the institution's staff the
    published ones."""
    if not can_view_own_support_effects(user, institution):
        return None
    cycles = institution_before_after(institution, published_only=not is_official(user))
    if not cycles:
        return None
    unit = getattr(user, "amount_unit", "") or "yen"
    shown = [(item, before_after_rows(item, unit)) for item in cycles]
    return Section("dashboards/_institution_support.html", {"cycles": shown, "offsets": OFFSETS})
