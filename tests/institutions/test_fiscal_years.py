import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from institutions.fiscal_years import (
    FiscalYearError,
    fiscal_year_of,
    format_fiscal_year,
    parse_fiscal_year,
    wareki,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010", 2010),
        (2010, 2010),
        ("2010年度", 2010),
        ("FY2010", 2010),
        ("H22", 2010),
        ("h22", 2010),
        ("H.22", 2010),
        ("平成22年度", 2010),
        ("平成22年", 2010),
        ("R2", 2020),
        ("令和2年度", 2020),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("H1", 1989),
        ("昭和63年度", 1988),
        ("２０１０年度", 2010),
        ("Ｈ２２", 2010),
        (" 平成 22 年度 ", 2010),
    ],
)
def test_parse_fiscal_year_accepts_japanese_forms(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["", "22", "平成", "X22", "2010/11", "H0", "令和2月", "1800"])
def test_parse_fiscal_year_rejects_other_text(text):
    with pytest.raises(FiscalYearError):
        parse_fiscal_year(text)


@pytest.mark.parametrize(
    ("year", "long", "short"),
    [
        (2010, "平成22年度", "H22"),
        (1989, "平成元年度", "H1"),
        (2019, "令和元年度", "R1"),
        (2020, "令和2年度", "R2"),
        (1988, "昭和63年度", "S63"),
    ],
)
def test_wareki_names_the_era(year, long, short):
    assert wareki(year) == long
    assert wareki(year, short=True) == short


def test_format_fiscal_year_in_each_language():
    assert format_fiscal_year(2010, "ja") == "2010年度(平成22年度)"
    assert format_fiscal_year(2010, "en") == "FY2010 (H22)"
    assert format_fiscal_year(None, "ja") == ""


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2011, 3, 31), 2010),
        (datetime.date(2011, 4, 1), 2011),
        (datetime.date(2010, 12, 21), 2010),
    ],
)
def test_fiscal_year_of_date_starts_in_april(day, expected):
    assert fiscal_year_of(day) == expected


@given(st.integers(min_value=1989, max_value=2100))
def test_wareki_round_trips(year):
    assert parse_fiscal_year(wareki(year)) == year
    assert parse_fiscal_year(wareki(year, short=True)) == year
    assert parse_fiscal_year(f"{year}年度") == year


def test_format_date_with_weekday_in_japanese_and_english():
    import datetime as dt

    from django.utils import timezone

    from institutions.fiscal_years import format_date

    moment = timezone.make_aware(dt.datetime(2027, 1, 20, 10, 0))

    assert format_date(moment, "ja", weekday=True) == "令和9年1月20日(水) 10:00"
    assert format_date(moment, "en", weekday=True) == "Wed 20 Jan 2027 10:00"
    assert format_date(dt.date(2010, 4, 1), "ja") == "平成22年4月1日"  # unchanged without it


def test_jday_filter_shows_the_weekday_in_a_time_element():
    from django.template import Context, Template
    from django.utils import translation

    # Another test in the same worker may leave English active.
    with translation.override("ja"):
        rendered = Template("{% load tlo %}{{ day|jday }}").render(
            Context({"day": __import__("datetime").date(2011, 1, 20)})
        )

    assert rendered == '<time datetime="2011-01-20">平成23年1月20日(木)</time>'
