"""The outbox link in the header and on the home page (core.sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.sections import NavItem
from institutions.models import User

from . import permissions


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
