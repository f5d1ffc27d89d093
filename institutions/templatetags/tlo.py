"""Template filters shared by every app's pages."""

from django import template

from institutions.fiscal_years import format_fiscal_year

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
