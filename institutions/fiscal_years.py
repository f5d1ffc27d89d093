"""Fiscal years (年度, April–March) and the Japanese era calendar (和暦).

FY2010 is 平成22年度 (H22): the year that starts on 1 April 2010. Every page,
file and export converts through these functions.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language


@dataclass(frozen=True)
class Era:
    name_ja: str
    name_en: str
    letter: str
    first_year: int  # the Gregorian year that is year 1 (元年) of the era


# Newest first. An era's fiscal years run from its first year on; 平成31年度 and
# 令和元年度 are both FY2019, so both parse, and display uses the newer era.
ERAS = (
    Era("令和", "Reiwa", "R", 2019),
    Era("平成", "Heisei", "H", 1989),
    Era("昭和", "Showa", "S", 1926),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name_ja, era.letter)}

MIN_FISCAL_YEAR = 1950
MAX_FISCAL_YEAR = 2100

_PATTERN = re.compile(
    r"^(?:FY)?(?:(?P<era>令和|平成|昭和|R|H|S)\.?(?P<era_year>\d{1,2}|元)|(?P<year>\d{4}))"
    r"(?:年度|年)?$",
    re.IGNORECASE,
)


class FiscalYearError(ValueError):
    """A text that is not a fiscal year this product understands."""


def parse_fiscal_year(value: str | int) -> int:
    """The Gregorian fiscal year that `value` names.

    Accepts 2010, "2010", "2010年度", "FY2010", "H22", "平成22年度", "R2", "令和2年度",
    "令和元年度", with full-width characters and spaces.
    """
    if isinstance(value, int):
        year = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
        match = _PATTERN.match(text)
        if not match:
            raise FiscalYearError(f"not a fiscal year: {value!r}")
        if match["year"]:
            year = int(match["year"])
        else:
            era = _ERA_BY_KEY[match["era"].upper() if len(match["era"]) == 1 else match["era"]]
            era_year = 1 if match["era_year"] == "元" else int(match["era_year"])
            if era_year < 1:
                raise FiscalYearError(f"not a fiscal year: {value!r}")
            year = era.first_year + era_year - 1
    if not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        # Not the value itself: a huge int cannot even be turned into text.
        raise FiscalYearError(f"fiscal year out of range ({MIN_FISCAL_YEAR}–{MAX_FISCAL_YEAR})")
    return year


def era_of(fiscal_year: int) -> tuple[Era, int]:
    """The era and year in era in which the fiscal year starts (1 April)."""
    start = datetime.date(fiscal_year, 4, 1)
    for era in ERAS:
        # Reiwa began on 1 May 2019, so FY2019 begins in Heisei 31; by custom the
        # fiscal year is called 令和元年度, which is what ministries print.
        if start.year >= era.first_year:
            return era, fiscal_year - era.first_year + 1
    raise FiscalYearError(f"fiscal year before the eras we know: {fiscal_year}")


def wareki(fiscal_year: int, *, short: bool = False) -> str:
    """平成22年度, or H22 with short=True."""
    era, year = era_of(fiscal_year)
    if short:
        return f"{era.letter}{year}"
    return f"{era.name_ja}{'元' if year == 1 else year}年度"


def format_fiscal_year(fiscal_year: int | None, language: str | None = None) -> str:
    """`2010年度(平成22年度)` in Japanese, `FY2010 (H22)` in English."""
    if fiscal_year is None:
        return ""
    language = language or get_language() or "ja"
    if language.startswith("en"):
        return f"FY{fiscal_year} ({wareki(fiscal_year, short=True)})"
    return f"{fiscal_year}年度({wareki(fiscal_year)})"


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date falls in."""
    return day.year if day.month >= 4 else day.year - 1


# The day each era began (the era of a date, unlike a fiscal year's, changes mid-year).
_ERA_STARTS = (
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
)


_WEEKDAYS_JA = "月火水木金土日"


def format_date(
    day: datetime.date | None, language: str | None = None, *, weekday: bool = False
) -> str:
    """A date as Japanese offices write it, 平成22年4月1日 (令和元年5月1日); `1 Apr 2010`
    in English. A datetime shows its local time too (平成22年4月1日 10:42). With `weekday`,
    the day of the week: 令和9年1月20日(水) 10:00 / Wed 20 Jan 2027 10:00."""
    if day is None:
        return ""
    time = ""
    if isinstance(day, datetime.datetime):
        local = timezone.localtime(day) if timezone.is_aware(day) else day
        time = f" {local:%H:%M}"
        day = local.date()
    language = language or get_language() or "ja"
    if language.startswith("en"):
        week = f"{day:%a} " if weekday else ""
        return f"{week}{day.day} {day:%b} {day.year}{time}"
    week = f"({_WEEKDAYS_JA[day.weekday()]})" if weekday else ""
    for start, name in _ERA_STARTS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日{week}{time}"
    return f"{day.year}年{day.month}月{day.day}日{week}{time}"


def format_action_date(
    day: datetime.date | None,
    language: str | None = None,
    *,
    starts: datetime.time | None = None,
    ends: datetime.time | None = None,
) -> str:
    """A date people act on (a deadline, a hearing, a closing date), the one style of
    every page and e-mail that asks something of someone by a day: 令和8年12月2日(水),
    with the time range of a hearing 令和9年1月20日(水) 10:00–10:50; English stays
    Gregorian, Wed 2 Dec 2026 10:00–10:50. "" for no date."""
    if day is None:
        return ""
    text = format_date(day, language, weekday=True)
    if starts is not None:
        text += f" {starts:%H:%M}"
        if ends is not None:
            text += f"\u2013{ends:%H:%M}"
    return text
