"""Values every page needs."""

from __future__ import annotations

from django.http import HttpRequest

from .amounts import AmountUnit, unit_label
from .sections import contributions


def navigation(request: HttpRequest) -> dict:
    """The header's links for this person: each app says which of its pages the person
    may open (settings.NAVIGATION), by asking its permissions, not by testing roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    return {"navigation": contributions("NAVIGATION", user=user)}


def amount_unit(request: HttpRequest) -> dict:
    """The unit the person reads yen amounts in (円, 千円, 百万円); see core.amounts."""
    user = getattr(request, "user", None)
    return {
        "amount_unit": getattr(user, "amount_unit", "") or AmountUnit.YEN,
        "amount_unit_label": unit_label(getattr(user, "amount_unit", "") or AmountUnit.YEN),
        "amount_unit_choices": [(unit.value, unit_label(unit)) for unit in AmountUnit],
    }
