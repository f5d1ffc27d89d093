"""Template filters shared by every app's pages."""

import datetime
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

from core.amounts import format_yen
from institutions.fiscal_years import format_action_date, format_date, format_fiscal_year

register = template.Library()


@register.filter
def fiscal_year(value: int | None) -> str:
    """2010 → 2010年度(平成22年度), or FY2010 (H22) in English."""
    return format_fiscal_year(value)


@register.filter
def name_for_language(institution, language: str) -> str:
    """The English name where there is one and the page is English, else the Japanese."""
    if language and language.startswith("en") and getattr(institution, "name_en", ""):
        return institution.name_en
    return institution.name_ja


@register.simple_tag
def query_with(query, **changes) -> str:
    """The query string `query` (a QueryDict) with some parameters replaced, URL-encoded:
    `?{% query_with request.GET page=2 %}` keeps the filters and moves the page."""
    params = query.copy() if hasattr(query, "copy") else dict(query)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode() if hasattr(params, "urlencode") else urlencode(params)


@register.simple_tag(takes_context=True)
def yen(context, value) -> str:
    """{% yen amount %}: a yen amount in the reader's unit (円, 千円, 百万円) and style."""
    return format_yen(value, context.get("amount_unit", "yen"))


@register.filter
def jday(value: datetime.date | None) -> str:
    """A date people act on (format_action_date), with the day of the week:
    令和9年1月20日(水) / Wed 20 Jan 2027, in a <time> element."""
    if not value:
        return "—"
    iso = value.isoformat()
    return format_html('<time datetime="{}">{}</time>', iso, format_action_date(value))


@register.filter
def hearing_when(hearing) -> str:
    """A hearing's day and hours (format_action_date): 令和9年1月20日(水) 10:00–10:50."""
    if hearing is None:
        return "—"
    text = format_action_date(hearing.date, starts=hearing.starts_at, ends=hearing.ends_at)
    return format_html('<time datetime="{}">{}</time>', hearing.date.isoformat(), text)


@register.filter
def jdate(value: datetime.date | None) -> str:
    """A date (or datetime) as Japanese offices write it, 平成22年4月1日, in a <time>
    element that keeps the ISO date for machines; English: 1 Apr 2010."""
    if not value:
        return "—"
    iso = value.isoformat()
    return format_html('<time datetime="{}">{}</time>', iso, format_date(value))


@register.filter
def fy(value: int | None) -> str:
    """A fiscal year for table cells and headers: 2010年度(平成22年度), which may wrap
    between its two halves but never inside either (CSS .fy is nowrap)."""
    if value is None or value == "":
        return "—"
    text = format_fiscal_year(int(value))
    head, bracket, tail = text.partition("(")
    if not bracket:
        return format_html('<span class="fy">{}</span>', text)
    return format_html(
        '<span class="fy">{}</span><wbr><span class="fy">({}</span>', head.rstrip(), tail
    )
