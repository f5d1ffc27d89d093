"""The queries behind the outbox."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification
from .workflow import outbox_states


def outbox(*, state: str = "", kind: str = "") -> QuerySet[Notification]:
    """Every message, newest first, filtered by state and kind."""
    messages = Notification.objects.select_related("recipient", "created_by", "released_by")
    if state:
        messages = messages.filter(state=state)
    if kind:
        messages = messages.filter(kind=kind)
    return messages.order_by("-created_at", "-id")


def tickable() -> QuerySet[Notification]:
    """The messages an official may tick in the outbox, to release or discard them
    (notifications.workflow says which states)."""
    return Notification.objects.filter(state__in=outbox_states())
