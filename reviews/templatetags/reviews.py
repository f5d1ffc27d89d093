"""Labels for the review pages: the decision aid's conditions and rules."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ..enums import AidRule

register = template.Library()


def _labels() -> dict[str, str]:
    return {
        "return_on_cost": _("return on cost"),
        "home_run_licences": _("home-run licences"),
        "operating_balance": _("operating balance"),
        "model_activity": _("score: model activity in business and sales"),
        "regional_necessity": _("score: regional necessity"),
        "self_improvement": _("score: self-improvement effort"),
        "regional_support": _("score: support from the region"),
    }


@register.filter
def aid_label(code: str) -> str:
    return _labels().get(code, code)


@register.filter
def aid_rule(code: str) -> str:
    return str(AidRule(code).label)


@register.filter
def aid_value(check) -> str:
    """A condition's value as read: percent for return on cost, yen for the balance."""
    if check.value is None:
        return _("unknown")
    if check.label == "return_on_cost":
        return f"{check.value * 100:.1f}%"
    if check.label == "operating_balance":
        return f"¥{check.value:,.0f}"
    if check.label == "home_run_licences":
        return f"{check.value:.0f}"
    return f"{check.value:.2f}"


@register.filter
def aid_threshold(check) -> str:
    if check.label == "return_on_cost":
        return f"{check.threshold * 100:.1f}%"
    if check.label == "operating_balance":
        return "¥0"
    if check.label == "home_run_licences":
        return f"{check.threshold:.0f}"
    return f"{check.threshold:.2f}"


@register.filter
def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"
