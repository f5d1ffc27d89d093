"""Invitations: single-use links (core.tokens), outbox messages, letters and reminders.

A contact's live link is never stored: only its token's hash. Issuing a fresh token
(a letter, `manage.py survey_links`) voids the earlier one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.tokens import LINK_PLACEHOLDER, TOKEN_PLACEHOLDER, derive_token, new_nonce, token_hash
from institutions.fiscal_years import format_action_date
from institutions.models import Institution, User
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.services import AddressedMessage, notify_addresses

from ..enums import SurveyAction, SurveyPhase
from ..models import Contact, Survey
from ..workflow import SURVEY_WORKFLOW

REMINDER_DAYS_BEFORE_CLOSING = 7


def answer_path(token: str) -> str:
    """The answer page's path for a token (Japanese, the default language)."""
    with override("ja"):
        # Reversed with a marker: reverse() would percent-encode the {token} placeholder.
        return reverse("surveys:answer", args=["__token__"]).replace("__token__", token)


def answer_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + answer_path(token)


def _issue(contact: Contact, now: datetime.datetime) -> str:
    """A fresh token for the contact (the old one void); returns its nonce."""
    nonce = new_nonce()
    contact.token_hash = token_hash(derive_token(nonce))
    contact.invited_at = contact.invited_at or now
    contact.save(update_fields=["token_hash", "invited_at"])
    return nonce


def _message(contact: Contact, nonce: str, *, reminder: bool) -> AddressedMessage:
    survey = contact.survey
    with override("ja"):
        values = {
            "tlo": contact.institution.name_ja,
            "year": survey.fiscal_year,
            "closes": format_action_date(survey.closes_on),
            "link": LINK_PLACEHOLDER,
        }
        subject = (
            _("Reminder: customer survey about %(tlo)s")
            if reminder
            else _("Customer survey about %(tlo)s")
        ) % values
        body = (
            _(
                "The Ministry of Education, Culture, Sports, Science and Technology and the "
                "Ministry of Economy, Trade and Industry ask the customers of %(tlo)s about "
                "their experience in fiscal year %(year)s.\n\n"
                "Please answer by %(closes)s through this link (it works once, for you only):\n"
                "%(link)s\n\n"
                "Your answers are used only in aggregate and are never shown to the TLO "
                "individually."
            )
            % values
        )
    return AddressedMessage(
        to_address=contact.email,
        subject=subject,
        body=body,
        link=answer_path(TOKEN_PLACEHOLDER),
        link_nonce=nonce,
    )


def _stage(
    actor: User | None, contacts: list[Contact], nonces: list[str], *, kind: str, reminder: bool
) -> list[Notification]:
    messages = notify_addresses(
        actor=actor,
        kind=kind,
        messages=[_message(c, n, reminder=reminder) for c, n in zip(contacts, nonces, strict=True)],
        about=_("Customer survey"),
    )
    for contact, message in zip(contacts, messages, strict=True):
        contact.messages.add(message)
    return messages


@transaction.atomic
def stage_invitations(*, actor: User, survey: Survey) -> int:
    """Write an invitation for every contact not invited yet, staged in the outbox.

    Side effects, in order: each contact gets a fresh token (its hash stored, the
    contact marked invited); one staged message per contact holds the token's nonce,
    so the link is made only when an official releases it. Returns how many."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_WORKFLOW.check(actor, survey, SurveyAction.INVITE)
    now = timezone.now()
    contacts = list(
        survey.contacts.filter(invited_at__isnull=True, erased_at__isnull=True)
        .select_related("institution", "survey")
        .order_by("pk")
    )
    nonces = [_issue(contact, now) for contact in contacts]
    _stage(actor, contacts, nonces, kind=NotificationKind.SURVEY_INVITATION, reminder=False)
    return len(contacts)


@dataclass(frozen=True)
class IssuedLink:
    contact: Contact
    url: str


@transaction.atomic
def issue_links(
    *, actor: User | None, survey: Survey, institution: Institution
) -> list[IssuedLink]:
    """A fresh link for each contact of the TLO who has not answered (the earlier link
    void): for printed letters and `manage.py survey_links`. Only while the survey is
    open; the links are returned, never stored."""
    if survey.phase != SurveyPhase.OPEN:
        raise ValueError(_("Links can be issued only while the survey is open."))
    now = timezone.now()
    issued = []
    for contact in (
        Contact.objects.select_for_update()
        .filter(survey=survey, institution=institution, answered_at__isnull=True)
        .filter(erased_at__isnull=True)
        .order_by("company", "email", "pk")
    ):
        issued.append(IssuedLink(contact, answer_url(derive_token(_issue(contact, now)))))
    return issued


def _live_nonce(contact: Contact) -> str | None:
    """The nonce of the contact's current link, if an outbox message holds it."""
    for nonce in contact.messages.exclude(link_nonce="").values_list("link_nonce", flat=True):
        if token_hash(derive_token(nonce)) == contact.token_hash:
            return nonce
    return None


@transaction.atomic
def stage_reminders(*, today: datetime.date | None = None) -> int:
    """One reminder, a week before closing, to those invited who have not answered.

    Side effects, in order: for each open survey within REMINDER_DAYS_BEFORE_CLOSING
    days of closing and not reminded yet: a staged message per contact (with the link of
    its invitation, or a fresh one if a letter replaced it), the contact and the survey
    marked reminded, so that no one is reminded twice. Returns how many messages."""
    today = today or timezone.localdate()
    written = 0
    due = Survey.objects.select_for_update().filter(
        closed_at__isnull=True,
        reminded_at__isnull=True,
        opens_on__lte=today,
        closes_on__gte=today,
        closes_on__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_CLOSING),
    )
    now = timezone.now()
    for survey in due:
        contacts = list(
            survey.contacts.invited()
            .filter(answered_at__isnull=True, reminded_at__isnull=True, erased_at__isnull=True)
            .select_related("institution", "survey")
            .order_by("pk")
        )
        nonces = [_live_nonce(c) or _issue(c, now) for c in contacts]
        _stage(None, contacts, nonces, kind=NotificationKind.SURVEY_REMINDER, reminder=True)
        Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(reminded_at=now)
        survey.reminded_at = now
        survey.save(update_fields=["reminded_at"])
        written += len(contacts)
    return written
