"""Writing, releasing and sending notifications.

Apps call `notify()`; nothing else in the project sends e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from core.tasks import enqueue
from core.tokens import LINK_PLACEHOLDER, TOKEN_PLACEHOLDER, derive_token
from institutions.models import User

from .enums import NotificationAction, NotificationState
from .models import Notification
from .workflow import NOTIFICATION_WORKFLOW, release_action

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A small text attachment, such as an iCalendar event."""

    name: str
    content_type: str
    content: str

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "content_type": self.content_type, "content": self.content}


@transaction.atomic
def notify(
    *,
    actor: User | None,
    kind: str,
    recipients: Iterable[User],
    subject: str,
    body: str,
    about: str = "",
    link: str = "",
    attachments: Sequence[Attachment] = (),
    hold: bool = False,
) -> list[Notification]:
    """Write one message per recipient (each person once).

    Side effects, in order: the messages are stored, staged when `hold` (an official
    releases them from the outbox) or else queued; queued messages are handed to
    notifications.tasks.send_notifications when the transaction commits.
    """
    unique = {person.pk: person for person in recipients}
    state = NotificationState.STAGED if hold else NotificationState.QUEUED
    created = Notification.objects.bulk_create(
        [
            Notification(
                kind=kind,
                state=state,
                recipient=person,
                to_address=person.email,
                subject=subject[:200],
                body=body,
                about=about[:200],
                link=link[:300],
                attachments=[a.as_json() for a in attachments],
                created_by=actor,
            )
            for person in unique.values()
        ]
    )
    if not hold:
        _send_on_commit([n.pk for n in created])
    return created


@transaction.atomic
def rewrite_staged(*, notification_id: int, subject: str, body: str) -> bool:
    """Rewrite a message still waiting for release, when a later change supersedes what
    it says (one message listing everything rather than one per change). False if it has
    left the outbox meanwhile (released or discarded): the caller then writes a new one.

    Side effects: the message's subject, body and time written are replaced.
    """
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, state=NotificationState.STAGED)
        .first()
    )
    if notification is None:
        return False
    notification.subject = subject[:200]
    notification.body = body
    notification.created_at = timezone.now()
    notification.save(update_fields=["subject", "body", "created_at"])
    return True


@dataclass(frozen=True)
class AddressedMessage:
    """A message to an address that is not a user (a survey's customer). With
    `link_nonce`, `link` holds {token} and `body` {link}: the token is derived from the
    nonce only when the message is sent (core.tokens), so the outbox never holds it."""

    to_address: str
    subject: str
    body: str
    link: str = ""
    link_nonce: str = ""


@transaction.atomic
def notify_addresses(
    *,
    actor: User | None,
    kind: str,
    messages: Iterable[AddressedMessage],
    about: str = "",
    hold: bool = True,
) -> list[Notification]:
    """Write one message per address (staged by default: an official releases them).

    Side effects, in order: the messages are stored, staged when `hold` or else queued;
    queued messages are handed to notifications.tasks.send_notifications on commit.
    """
    state = NotificationState.STAGED if hold else NotificationState.QUEUED
    created = Notification.objects.bulk_create(
        [
            Notification(
                kind=kind,
                state=state,
                recipient=None,
                to_address=message.to_address,
                subject=message.subject[:200],
                body=message.body,
                about=about[:200],
                link=message.link[:300],
                link_nonce=message.link_nonce,
                created_by=actor,
            )
            for message in messages
        ]
    )
    if not hold:
        _send_on_commit([n.pk for n in created])
    return created


@transaction.atomic
def erase_addresses(*, notification_ids: Iterable[int]) -> int:
    """Erase the personal data of messages to addresses that are not users: the address,
    the body and the secret link go; kind, subject, state and times stay for the record.
    Messages still waiting are discarded first. Returns how many were erased."""
    ids = list(notification_ids)
    waiting = [NotificationState.STAGED, NotificationState.QUEUED, NotificationState.FAILED]
    Notification.objects.filter(pk__in=ids, state__in=waiting).update(
        state=NotificationState.DISCARDED
    )
    return Notification.objects.filter(pk__in=ids, recipient__isnull=True).update(
        to_address="", body="", link="", link_nonce="", error=""
    )


@transaction.atomic
def release_notifications(*, actor: User, notifications: Iterable[Notification]) -> int:
    """Send staged (or failed) messages an official has read. Returns how many.

    Side effects, in order: each message the workflow lets this official release moves
    to queued with the official and the time recorded; they are handed to the sending
    task on commit. Messages in any other state are left as they are.
    """
    released = []
    now = timezone.now()
    for notification in Notification.objects.select_for_update().filter(
        pk__in=[n.pk for n in notifications]
    ):
        action = release_action(notification)
        if action is None or not NOTIFICATION_WORKFLOW.may(actor, notification, action):
            continue
        notification.state = NOTIFICATION_WORKFLOW.target(notification, action)
        notification.released_at = now
        notification.released_by = actor
        notification.error = ""
        notification.save(update_fields=["state", "released_at", "released_by", "error"])
        released.append(notification.pk)
    _send_on_commit(released)
    return len(released)


@transaction.atomic
def discard_notifications(*, actor: User, notifications: Iterable[Notification]) -> int:
    """Drop staged messages that should not go out. Returns how many; kept for the record."""
    discarded = 0
    for notification in Notification.objects.select_for_update().filter(
        pk__in=[n.pk for n in notifications]
    ):
        if NOTIFICATION_WORKFLOW.may(actor, notification, NotificationAction.DISCARD):
            notification.state = NOTIFICATION_WORKFLOW.target(
                notification, NotificationAction.DISCARD
            )
            notification.released_by = actor
            notification.released_at = timezone.now()
            notification.save(update_fields=["state", "released_by", "released_at"])
            discarded += 1
    return discarded


def deliver_notification(*, notification_id: int) -> Notification:
    """Send one queued message by e-mail (the sending task's work).

    Side effects: the message is sent through Django's mail backend (console by
    default, SMTP when configured) and marked sent, or marked failed with the reason.
    A message that is not queued (already sent, discarded) is left alone.
    """
    with transaction.atomic():
        notification = (
            # Only the message's row: PostgreSQL locks no nullable side of an outer join
            # (a message to an address has no recipient).
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=notification_id)
        )
        if notification.state != NotificationState.QUEUED:
            return notification
        if not notification.to_address:
            return _failed(notification, "no e-mail address")
        message = EmailMessage(
            subject=notification.subject,
            body=_body_to_send(notification),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to_address],
        )
        for attachment in notification.attachments:
            message.attach(attachment["name"], attachment["content"], attachment["content_type"])
        try:
            message.send()
        except Exception as error:  # an SMTP server's refusal, a network failure
            logger.warning("notification %s not delivered: %s", notification.pk, error)
            return _failed(notification, str(error)[:1000])
        notification.state = NotificationState.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["state", "sent_at"])
        return notification


def _body_to_send(notification: Notification) -> str:
    """The body with its secret link filled in: the token exists only here, on its way out."""
    if not notification.link_nonce:
        return notification.body
    token = derive_token(notification.link_nonce)
    url = settings.SITE_URL.rstrip("/") + notification.link.replace(TOKEN_PLACEHOLDER, token)
    return notification.body.replace(LINK_PLACEHOLDER, url)


def _failed(notification: Notification, reason: str) -> Notification:
    notification.state = NotificationState.FAILED
    notification.error = reason
    notification.save(update_fields=["state", "error"])
    return notification


def _send_on_commit(ids: list[int]) -> None:
    if not ids:
        return
    enqueue("notifications.send_notifications", ids)
