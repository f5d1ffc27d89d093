"""Who a cached page was computed for (core.cache): people with the same audience key see
the same page data, and nobody else ever receives it."""

from __future__ import annotations

from institutions.models import User


def audience_key(user: User) -> tuple:
    """The reader's audience, as a cache key part: named readers (administrators; officials,
    by ministry) and anonymised ones (viewers; TLO staff, by the institutions they report
    for) never share an entry; a reviewer, whose visible scores are their own, or anyone
    else, has entries of their own. One query for TLO staff, none otherwise."""
    if not user.is_authenticated:
        return ("anonymous",)
    if user.is_administrator:
        return ("administrator",)
    if user.is_official:
        return ("official", str(user.ministry or ""))
    if user.is_viewer:
        return ("viewer",)
    if user.is_tlo_staff:
        institutions = user.memberships.order_by("institution_id").values_list(
            "institution_id", flat=True
        )
        return ("tlo_staff", tuple(institutions))
    return ("person", user.role, user.pk)
