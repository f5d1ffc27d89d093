"""How a person is named on pages, in history and in messages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def person_name(user: Any | None) -> str:
    """The person's full name, else their user name; "the system" for no person."""
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()
