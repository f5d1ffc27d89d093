"""Calendar files carry a VTIMEZONE for Asia/Tokyo (RFC 5545), so Outlook places the
hearing at the right hour (issue 16)."""

import datetime

from icalendar import Calendar

from core.versions import NEW
from reviews.services import hearings


def test_hearing_ics_has_a_vtimezone_for_tokyo(
    assigned, entry_a, mext_official, mext_reviewer, client_for
):
    hearings.schedule_hearing(
        actor=mext_official,
        entry=entry_a,
        date=datetime.date(2011, 1, 20),
        starts_at=datetime.time(10),
        ends_at=datetime.time(10, 50),
        place="会議室",
        online_url="",
        attendees=[mext_reviewer, mext_official],
        expected_version=NEW,
    )

    response = client_for(mext_reviewer).get("/reviews/2010/hearings/mine.ics")

    calendar = Calendar.from_ical(response.content)
    zones = calendar.walk("VTIMEZONE")
    event = calendar.walk("VEVENT")[0]
    assert [str(z["TZID"]) for z in zones] == ["Asia/Tokyo"]
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    standard = zones[0].walk("STANDARD")[0]
    assert standard.decoded("TZOFFSETTO") == datetime.timedelta(hours=9)
    assert event.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2011, 1, 20, 1, 0, tzinfo=datetime.UTC
    )
