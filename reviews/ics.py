"""Hearings as iCalendar (.ics) events, built with the `icalendar` library."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from core.people import person_name

from .display import attendance_by_role
from .models import Hearing

PRODUCT_ID = "-//TLO Review//Joint review hearings//JA"


def _event(hearing: Hearing, *, with_attendees: bool) -> Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    entry = hearing.entry
    event = Event()
    event.add("uid", f"{hearing.uid}@tlo-review")
    event.add("sequence", hearing.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datetime.datetime.combine(hearing.date, hearing.starts_at, tzinfo=zone))
    event.add("dtend", datetime.datetime.combine(hearing.date, hearing.ends_at, tzinfo=zone))
    event.add("summary", f"ヒアリング: {entry.institution.name_ja}")
    if hearing.place:
        event.add("location", hearing.place)
    if hearing.online_url:
        event.add("url", hearing.online_url)
    attendees = sorted(hearing.attendees.all(), key=lambda p: (p.role, p.ministry, p.username))
    attending = ""
    if not with_attendees and attendees:
        # The institution's copy: who attends by role, never the reviewers' names.
        with translation.override("ja"):
            attending = _("Attending: %(attendance)s") % {
                "attendance": attendance_by_role(attendees)
            }
    event.add(
        "description",
        "\n".join(
            line
            for line in (
                f"{entry.cycle.fiscal_year}年度 審査 / {entry.institution.code}",
                attending,
                hearing.online_url,
            )
            if line
        ),
    )
    for person in attendees if with_attendees else ():
        if person.email:
            attendee = vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = vText(person_name(person))
            event.add("attendee", attendee, encode=0)
    return event


def calendar_for(hearings: Iterable[Hearing], *, with_attendees: bool) -> str:
    """A calendar with one event per hearing (may be empty), as text. Attendees (names
    and e-mail addresses) only `with_attendees`: for the ministries' people; the
    institution's staff get who attends by ministry and role in the description
    (「出席予定: 文部科学省 審査委員 2名、…」), without names (blind review)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for hearing in hearings:
        calendar.add_component(_event(hearing, with_attendees=with_attendees))
    # RFC 5545: a TZID needs its VTIMEZONE, or Outlook places the hearing in its own zone.
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
