"""The review's e-mails. Every one is staged in the outbox (hold=True) for an official to
read and release (notifications.services.notify), in Japanese, the recipients' language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from institutions.fiscal_years import format_action_date, format_fiscal_year
from institutions.models import User
from notifications.enums import NotificationKind
from notifications.services import Attachment, notify

from ..models import CycleEntry, Hearing

LANGUAGE = "ja"


def _stage(
    *,
    actor: User | None,
    kind: str,
    recipients: Iterable[User],
    subject: str,
    body: str,
    entry: CycleEntry | None = None,
    link: str = "",
    attachments: Sequence[Attachment] = (),
) -> None:
    """Stage one message in the outbox (hold=True): an official reads and releases it."""
    notify(
        actor=actor,
        kind=kind,
        recipients=list(recipients),
        subject=subject,
        body=body,
        about=str(entry) if entry else "",
        link=link,
        attachments=attachments,
        hold=True,
    )


def _entry_link(entry: CycleEntry) -> str:
    return reverse("reviews:entry", args=[entry.cycle.fiscal_year, entry.institution.code])


def assignment_made(*, actor: User, entry: CycleEntry, reviewer: User) -> None:
    """Tell the reviewer they have been assigned (Japanese, staged)."""
    with translation.override(LANGUAGE):
        _stage(
            actor=actor,
            kind=NotificationKind.REVIEW_ASSIGNED,
            recipients=[reviewer],
            subject=_("Review assignment: %(institution)s") % {"institution": entry.institution},
            body=_(
                "You have been assigned to review %(institution)s in the %(year)s joint "
                "review. Its material and the scoring page are on the review pages."
            )
            % {
                "institution": entry.institution,
                "year": format_fiscal_year(entry.cycle.fiscal_year),
            },
            entry=entry,
            link=_entry_link(entry),
        )


def hearing_changed(
    *, actor: User, hearing: Hearing, recipients: Iterable[User], moved: bool, ics: str
) -> None:
    """Tell the recipients a hearing was scheduled or moved, with its .ics (staged)."""
    entry = hearing.entry
    with translation.override(LANGUAGE):
        values = {
            "institution": entry.institution,
            "when": format_action_date(
                hearing.date, starts=hearing.starts_at, ends=hearing.ends_at
            ),
            "place": hearing.place or hearing.online_url,
        }
        if moved:
            subject = _("Hearing moved: %(institution)s") % values
            body = _(
                "The hearing of %(institution)s has moved to %(when)s, %(place)s. The attached "
                "calendar event replaces the earlier one."
            )
        else:
            subject = _("Hearing scheduled: %(institution)s") % values
            body = _(
                "The hearing of %(institution)s is scheduled for %(when)s, %(place)s. The "
                "calendar event is attached."
            )
        _stage(
            actor=actor,
            kind=NotificationKind.HEARING_MOVED if moved else NotificationKind.HEARING_SCHEDULED,
            recipients=recipients,
            subject=subject,
            body=body % values,
            entry=entry,
            link=_entry_link(entry),
            attachments=[Attachment("hearing.ics", "text/calendar", ics)],
        )


def scores_reopened(*, actor: User, entry: CycleEntry, reviewer: User, reason: str) -> None:
    """Tell the reviewer an official reopened their scores, and why (staged)."""
    with translation.override(LANGUAGE):
        _stage(
            actor=actor,
            kind=NotificationKind.SCORES_REOPENED,
            recipients=[reviewer],
            subject=_("Scores reopened: %(institution)s") % {"institution": entry.institution},
            body=_(
                "An official has reopened your submitted scores for %(institution)s so that "
                "you can change them. Reason: %(reason)s"
            )
            % {"institution": entry.institution, "reason": reason},
            entry=entry,
            link=reverse("reviews:score", args=[entry.cycle.fiscal_year, entry.institution.code]),
        )


def conflict_after_assignment(
    *, actor: User, entry: CycleEntry, person: User, officials: Iterable[User]
) -> None:
    """Tell the officials a conflict now keeps an assigned reviewer away (staged)."""
    with translation.override(LANGUAGE):
        _stage(
            actor=actor,
            kind=NotificationKind.CONFLICT_DECLARED,
            recipients=officials,
            subject=_("Conflict of interest declared after assignment: %(institution)s")
            % {"institution": entry.institution},
            body=_(
                "%(person)s has a conflict of interest with %(institution)s, to which they are "
                "assigned. Their access has been removed and their scores are withdrawn from "
                "every aggregate (they stay in the history). Consider assigning another "
                "reviewer."
            )
            % {
                "person": person.get_full_name() or person.username,
                "institution": entry.institution,
            },
            entry=entry,
            link=reverse("reviews:conflicts", args=[entry.cycle.fiscal_year]),
        )


def decision_published(*, actor: User, entry: CycleEntry, staff: Iterable[User]) -> None:
    """Tell the institution's staff their result is published (staged)."""
    with translation.override(LANGUAGE):
        _stage(
            actor=actor,
            kind=NotificationKind.DECISION_PUBLISHED,
            recipients=staff,
            subject=_("Review result published: %(year)s")
            % {"year": format_fiscal_year(entry.cycle.fiscal_year)},
            body=_(
                "The result of the %(year)s joint review of %(institution)s has been "
                "published. You can read the decision and its rationale on the review page."
            )
            % {
                "year": format_fiscal_year(entry.cycle.fiscal_year),
                "institution": entry.institution,
            },
            entry=entry,
            link=_entry_link(entry),
        )
