"""Scheduling hearings, and their minutes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.people import person_name
from core.versions import NEW, StaleVersion, claim_version
from institutions.models import User

from ..errors import ReviewError
from ..ics import calendar_for
from ..models import Assignment, Conflict, CycleEntry, Hearing
from ..permissions import can_schedule_hearing
from . import notices

WHEN_FIELDS = ("date", "starts_at", "ends_at", "place", "online_url")


def _check_attendees(entry: CycleEntry, attendees: list[User]) -> None:
    assigned = set(
        Assignment.objects.filter(entry=entry).unconflicted().values_list("reviewer_id", flat=True)
    )
    conflicted = set(
        Conflict.objects.active().filter(entry=entry).values_list("person_id", flat=True)
    )
    for person in attendees:
        if person.is_reviewer and person.pk not in assigned:
            raise ReviewError(
                _("%(person)s is not an assigned reviewer of %(institution)s.")
                % {"person": person_name(person), "institution": entry.institution}
            )
        if not (person.is_reviewer or person.is_official):
            raise ReviewError(
                _("%(person)s is neither a reviewer nor an official.")
                % {"person": person_name(person)}
            )
        if person.pk in conflicted:
            raise ReviewError(
                _("%(person)s has a conflict of interest with %(institution)s.")
                % {"person": person_name(person), "institution": entry.institution}
            )


@transaction.atomic
def schedule_hearing(
    *,
    actor: User,
    entry: CycleEntry,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    place: str,
    online_url: str,
    attendees: Iterable[User],
    minutes: str = "",
    expected_version: int = NEW,
) -> Hearing:
    """Schedule the institution's hearing, or change it if nobody changed it since the
    form was opened (`expected_version`; `NEW` for a hearing not scheduled yet).

    Side effects, in order: the hearing's version moves on; it is saved with history;
    when it is new, or its date, time or place changed, its iCalendar sequence moves on
    and a message with the .ics event is staged for the attendees, and one for the
    institution's staff whose event names no attendee (reviewers' addresses stay with
    the ministries). Minutes and attendees alone change without a message.
    """
    if not can_schedule_hearing(actor, entry.cycle):
        raise PermissionDenied
    if ends_at <= starts_at:
        raise ReviewError(_("The hearing must end after it starts."))
    if not (place.strip() or online_url.strip()):
        raise ReviewError(_("Give a place or an online meeting link."))
    attendees = list(attendees)
    _check_attendees(entry, attendees)
    hearing = Hearing.objects.select_for_update().filter(entry=entry).first()
    is_new = hearing is None
    hearing = hearing or Hearing(entry=entry)
    claim_version(hearing, expected_version)
    before = {name: getattr(hearing, name, None) for name in WHEN_FIELDS}
    hearing.date, hearing.starts_at, hearing.ends_at = date, starts_at, ends_at
    hearing.place, hearing.online_url = place.strip(), online_url.strip()
    hearing.minutes = minutes.strip()
    moved = not is_new and any(before[n] != getattr(hearing, n) for n in WHEN_FIELDS)
    if moved:
        hearing.sequence += 1
    hearing.updated_by = actor
    hearing._history_user = actor
    try:
        with transaction.atomic():
            hearing.save()
    except IntegrityError:  # scheduled by someone else at the same moment
        raise StaleVersion(hearing) from None
    hearing.attendees.set(attendees)
    if is_new or moved:
        notices.hearing_changed(
            actor=actor,
            hearing=hearing,
            recipients=attendees,
            moved=moved,
            ics=calendar_for([hearing], with_attendees=True),
        )
        staff = list(entry.institution.staff.filter(is_active=True))
        if staff:
            notices.hearing_changed(
                actor=actor,
                hearing=hearing,
                recipients=staff,
                moved=moved,
                ics=calendar_for([hearing], with_attendees=False),
            )
    return hearing
