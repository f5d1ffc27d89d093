"""Optimistic locking for the review's editable things (decisions, statements, hearings,
cycle settings): a form carries the version it was opened on, and a write from an older
version is refused instead of silently overwriting what someone else saved meanwhile."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from ..errors import ReviewError


class StaleVersion(ReviewError):
    """Someone else changed the thing since the form was opened."""


NEW = 0  # the version a form opened on nothing yet (a statement not written) carries


def claim_version(obj: models.Model, expected_version: int) -> None:
    """Move the stored version of `obj` from `expected_version` on by one, or refuse.

    For a thing not stored yet the form must have seen nothing (`NEW`). The WHERE clause
    makes this safe without a lock: of two writes from the same version the database
    lets exactly one UPDATE match.
    """
    if obj.pk is None:
        if expected_version != NEW:
            raise StaleVersion(_stale_message())
        return
    if obj.version != expected_version:
        raise StaleVersion(_stale_message())
    claimed = (
        type(obj)
        .objects.filter(pk=obj.pk, version=expected_version)
        .update(version=expected_version + 1)
    )
    if not claimed:
        raise StaleVersion(_stale_message())
    obj.version = expected_version + 1


def _stale_message() -> str:
    return _(
        "Someone else has changed this since you opened it, so nothing was saved. "
        "Reload the page, read their change and try again."
    )
