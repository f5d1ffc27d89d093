"""Who may read and release the outbox. One predicate per rule."""

from __future__ import annotations

from institutions.models import User


def can_read_outbox(user: User) -> bool:
    """Officials of either ministry and administrators read every message."""
    return user.is_authenticated and (user.is_official or user.is_administrator)


def can_release(user: User, notification=None) -> bool:
    """Officials release (or discard) staged messages."""
    return user.is_authenticated and user.is_official
