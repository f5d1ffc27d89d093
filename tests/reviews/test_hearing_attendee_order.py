"""Hearing attendees are listed in a fixed order: signing in moves nobody."""

import pytest
from django.utils import timezone
from icalendar import Calendar

from reviews.ics import calendar_for
from reviews.models import Hearing
from reviews.selectors.pages import hearing_of, hearings_for

from .test_hearings_statements_exports import _schedule

pytestmark = pytest.mark.django_db


def test_hearing_attendees_in_fixed_order_after_a_sign_in(
    assigned, entry_a, mext_official, mext_reviewer, meti_reviewer, client_for
):
    for person in (mext_official, mext_reviewer, meti_reviewer):
        person.email = f"{person.username}@example.jp"
        person.save(update_fields=["email"])
    _schedule(entry_a, mext_official, [mext_reviewer, meti_reviewer])
    # Officials first, then reviewers; METI before MEXT; by user name.
    expected = ["mext-official", "meti-reviewer", "mext-reviewer"]
    meti_reviewer.last_login = timezone.now()
    meti_reviewer.save(update_fields=["last_login"])
    client_for(mext_reviewer).get("/")

    on_entry_page = [p.username for p in hearing_of(entry_a).attendees.all()]
    on_day_list = [
        p.username for p in hearings_for(entry_a.cycle, user=mext_official).get().attendees.all()
    ]
    event = Calendar.from_ical(calendar_for([Hearing.objects.get()], with_attendees=True)).walk(
        "VEVENT"
    )[0]
    in_calendar = [str(a).removeprefix("mailto:") for a in event.get("ATTENDEE")]
    assert on_entry_page == expected
    assert on_day_list == expected
    assert in_calendar == [f"{name}@example.jp" for name in expected]
