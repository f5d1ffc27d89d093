"""Labels for the review pages: names in the reader's language, fiscal-year column
headers, the decision aid's conditions and rules."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.amounts import format_yen
from core.people import person_name
from metrics.calculations import format_value
from metrics.enums import MetricUnit

from ..display import fiscal_year_parts
from ..display import local_name as _local_name
from ..enums import AidRule

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """An institution's or region's name in the page's language."""
    return _local_name(obj)


@register.filter
def fy_header(fiscal_year: int) -> str:
    """A fiscal year for a narrow column header: 2010年度 / (平成22年度) on two lines at
    most, never broken inside either part."""
    head, tail = fiscal_year_parts(fiscal_year)
    if not tail:
        return format_html('<span class="nowrap">{}</span>', head)
    return format_html(
        '<span class="nowrap">{}</span><wbr><span class="nowrap">{}</span>', head, tail
    )


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
def aid_rule_short(code: str) -> str:
    """The rule in a few words, for a narrow column (the full label is its title)."""
    return {
        AidRule.MODEL: _("(a) model"),
        AidRule.DEFICIT_WITH_NECESSITY: _("(b) needed region"),
        AidRule.CONSOLIDATION: _("consolidation?"),
        AidRule.INCOMPLETE: _("too few figures"),
    }[AidRule(code)]


def _aid_number(label: str, number: float, unit: str) -> str:
    if label == "return_on_cost":
        return f"{number * 100:.1f}%"
    if label == "operating_balance":
        return format_yen(number, unit)
    if label == "home_run_licences":
        return f"{number:.0f}"
    return f"{number:.2f}"


@register.simple_tag(takes_context=True)
def aid_value(context, check) -> str:
    """A condition's value as read: percent for return on cost, yen (in the reader's
    unit) for the operating balance."""
    if check.value is None:
        return _("unknown")
    return _aid_number(check.label, check.value, context.get("amount_unit", "yen"))


@register.simple_tag(takes_context=True)
def aid_threshold(context, check) -> str:
    """The condition, as read: “≥ 50.0%”, “< 0円”."""
    sign = "≥" if check.comparison == ">=" else "<"
    number = _aid_number(check.label, check.threshold, context.get("amount_unit", "yen"))
    return f"{sign} {number}"


@register.filter
def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


@register.filter
def score_value(value: float | None) -> str:
    """A mean or total on the 1–5 scale, two decimals; "—" when there is none (a missing
    attribute in a template comes as "")."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.2f}"


@register.filter
def places(move: int) -> int:
    """How many places a rank moved, whichever way (the arrow says which)."""
    return abs(move)


@register.filter
def pair_with(first, second) -> list:
    """[first, second], to loop over two lists as table cells in one template loop."""
    return [first, second]


@register.filter
def person(user) -> str:
    """A person as pages name them (core.people.person_name)."""
    return person_name(user)


def _metric_text(definition, value, amount_unit: str) -> str:
    if value is not None and definition.unit == MetricUnit.YEN:
        return format_yen(value, amount_unit)
    return format_value(value, definition.unit) or "—"


@register.simple_tag(takes_context=True)
def metric_value(context, definition, value) -> str:
    """A metric value as the seed prints it, amounts in the reader's unit (円, 千円,
    百万円); "—" when not defined."""
    return _metric_text(definition, value, context.get("amount_unit", "yen"))


@register.simple_tag(takes_context=True)
def scenario_value(context, line, year: int, who) -> str:
    """One cell of a scenario's metric table: a member's value, or the combined one
    ("not defined" where a member lacks a report; the page's notes name it) and the value
    under the cost assumption."""
    unit = context.get("amount_unit", "yen")
    cell = line.years[year]
    if who != "combined":
        outcome = cell.members.get(who)
        return _metric_text(line.definition, outcome.value if outcome else None, unit)
    if cell.missing:
        return _("not defined")
    text = _metric_text(line.definition, cell.combined.value, unit)
    if cell.with_saved_costs is not None:
        text += " " + _("(with the saved costs: %(value)s)") % {
            "value": _metric_text(line.definition, cell.with_saved_costs, unit)
        }
    return text
