"""The outbox link in the header and on the home page, and the officials' home panel
saying how many messages wait for release (core.sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.sections import NavItem, Section
from institutions.models import User

from . import permissions, selectors
from .enums import NotificationState


def navigation(*, user: User) -> list[NavItem]:
    if not permissions.can_read_outbox(user):
        return []
    return [
        NavItem(
            "outbox",
            _("Outbox"),
            reverse("notifications:outbox"),
            _("Every e-mail the system has written; release the ones waiting for an official."),
        )
    ]


def home_panel(*, user: User) -> Section | None:
    """Officials: how many messages wait for their release. One query."""
    if not permissions.can_release(user):
        return None
    waiting = selectors.outbox(state=NotificationState.STAGED).count()
    return Section("notifications/_home_outbox.html", {"waiting": waiting})
