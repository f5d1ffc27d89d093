"""How the review pages name things in the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language

from institutions.fiscal_years import format_fiscal_year
from institutions.templatetags.tlo import name_for_language


def local_name(obj) -> str:
    """An institution's or region's name in the page's language: the English name on
    English pages where there is one, the Japanese name otherwise (the shared rule of
    the `name_for_language` filter)."""
    if obj is None:
        return ""
    return name_for_language(obj, get_language() or "ja")


def fiscal_year_parts(fiscal_year: int) -> tuple[str, str]:
    """`2010年度(平成22年度)` as ("2010年度", "(平成22年度)") (English: "FY2010", "(H22)"),
    so that a narrow column header breaks between the two and never inside either."""
    text = format_fiscal_year(fiscal_year)
    head, sep, tail = text.partition("(")
    return head.strip(), f"{sep}{tail}" if sep else ""
