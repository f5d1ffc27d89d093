"""One style for the dates people act on (deadlines, hearings, closing dates): the
Japanese era with the day of the week; English stays Gregorian."""

import datetime

from institutions.fiscal_years import format_action_date
from institutions.templatetags.tlo import hearing_when, jday


def test_action_date_japanese_era_with_weekday():
    assert format_action_date(datetime.date(2026, 12, 2), "ja") == "令和8年12月2日(水)"
    assert format_action_date(datetime.date(2011, 6, 30), "ja") == "平成23年6月30日(木)"
    assert format_action_date(datetime.date(2019, 5, 1), "ja") == "令和元年5月1日(水)"


def test_action_date_english_stays_gregorian():
    assert format_action_date(datetime.date(2026, 12, 2), "en") == "Wed 2 Dec 2026"


def test_action_date_with_a_hearing_time_range():
    assert (
        format_action_date(
            datetime.date(2011, 1, 20),
            "ja",
            starts=datetime.time(10),
            ends=datetime.time(10, 50),
        )
        == "平成23年1月20日(木) 10:00–10:50"
    )


def test_action_date_of_nothing_is_blank():
    assert format_action_date(None, "ja") == ""


def test_template_filters_keep_the_iso_date_for_machines(settings):
    class Hearing:
        date = datetime.date(2011, 1, 20)
        starts_at = datetime.time(14)
        ends_at = datetime.time(14, 50)

    from django.utils import translation

    with translation.override("ja"):
        assert jday(datetime.date(2011, 6, 30)) == (
            '<time datetime="2011-06-30">平成23年6月30日(木)</time>'
        )
        assert hearing_when(Hearing()) == (
            '<time datetime="2011-01-20">平成23年1月20日(木) 14:00–14:50</time>'
        )
