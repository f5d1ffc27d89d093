"""How the review pages name things in the reader's language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from institutions.enums import Ministry, Role
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


def attendance_by_role(people: Iterable) -> str:
    """Who attends a hearing by ministry and role, without names (the institution must
    not learn who its reviewers are): 「文部科学省 審査委員 2名、経済産業省 担当官 1名」,
    MEXT before METI, reviewers before officials; "" when nobody is named."""
    counts = Counter((person.ministry or "", person.role) for person in people)
    ministries = ["", *Ministry.values]
    roles = [Role.REVIEWER, Role.OFFICIAL, *Role.values]

    def order(key: tuple[str, str]) -> tuple[int, int]:
        ministry, role = key
        return (
            ministries.index(ministry) if ministry in ministries else len(ministries),
            roles.index(role) if role in roles else len(roles),
        )

    parts = []
    for ministry, role in sorted(counts, key=order):
        count = counts[(ministry, role)]
        who = " ".join(
            str(label)
            for label in (
                Ministry(ministry).label if ministry in Ministry.values else "",
                Role(role).label if role in Role.values else role,
            )
            if label
        )
        parts.append(
            ngettext("%(who)s %(count)s person", "%(who)s %(count)s people", count)
            % {"who": who, "count": count}
        )
    return _(", ").join(parts)
