"""Optimistic locking, the one way: reports, collection rounds, decisions, statements,
hearings and cycle settings carry a `version` that moves on with every change. A form
carries the version it was opened on; a write from an older version is refused instead of
silently overwriting what someone else saved meanwhile.

This module holds all of it: the refusal and its message (`StaleVersion`), checking and
claiming a version (`check_version`, `claim_version`), the form field that carries it
(`VersionField`, `VersionForm`), the one parser of a posted version (`parse_version`), and
the 400 answer for a form that came without one (`missing_version`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import NoLabelSuffix
from .people import person_name
from .views import refuse_bad_request
from .workflow import WorkflowError

NEW = 0  # the version a form opened on nothing yet (a statement not written) carries
MAX_VERSION = 2**31 - 1  # the largest a PositiveIntegerField holds everywhere

MISSING_VERSION = gettext_lazy(
    "The form did not say which version it was opened on, so nothing was changed. "
    "Reload the page and try again."
)


class StaleVersion(WorkflowError):
    """Someone else changed the thing since the form was opened; nothing was written.

    The message names who changed it and when, if the thing keeps a history (every
    versioned model does); `changed_by` and `changed_at` hold them ("" and None when
    unknown, e.g. for a thing created by someone else at the same moment).
    """

    def __init__(self, obj: models.Model | None = None):
        self.changed_by, self.changed_at = _last_change(obj)
        super().__init__(stale_message(self.changed_by, self.changed_at))


def _last_change(obj: models.Model | None) -> tuple[str, Any]:
    history = getattr(obj, "history", None) if obj is not None and obj.pk else None
    if history is None:
        return "", None
    last = history.select_related("history_user").order_by("-history_date").first()
    if last is None:
        return "", None
    return person_name(last.history_user), timezone.localtime(last.history_date)


def stale_message(changed_by: str = "", changed_at: Any = None) -> str:
    """The refusal of a write from an old version, naming who changed it when known."""
    if changed_by and changed_at is not None:
        return _(
            "%(person)s changed this at %(time)s, after you opened it, so nothing was saved. "
            "Reload the page, read their change and try again."
        ) % {"person": changed_by, "time": changed_at.strftime("%Y-%m-%d %H:%M")}
    return _(
        "Someone else has changed this since you opened it, so nothing was saved. "
        "Reload the page, read their change and try again."
    )


def check_version(
    obj: models.Model, expected_version: int, *, error: type[StaleVersion] = StaleVersion
) -> None:
    """Refuse (raise `error(obj)`) unless `obj` as read is at `expected_version`.

    A thing not stored yet is at `NEW`. `error` lets an app raise its own subclass (a
    report's refusal is also a ReportError).
    """
    current = NEW if obj.pk is None else obj.version
    if current != expected_version:
        raise error(obj)


def claim_version(
    obj: models.Model, expected_version: int, *, error: type[StaleVersion] = StaleVersion
) -> None:
    """Move the stored version of `obj` from `expected_version` on by one, or refuse.

    For a thing not stored yet the form must have seen nothing (`NEW`); its version is
    set when it is saved. The WHERE clause makes this safe without a lock: of two writes
    from the same version the database lets exactly one UPDATE match.
    """
    check_version(obj, expected_version, error=error)
    if obj.pk is None:
        return
    claimed = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=expected_version)
        .update(version=expected_version + 1)
    )
    if not claimed:
        raise error(obj)
    obj.version = expected_version + 1


def parse_version(value: Any) -> int | None:
    """A posted version as a number, or None if it is missing or not a whole number from
    0 to MAX_VERSION written in ASCII digits (no sign, no spaces, no decimals)."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value) > len(str(MAX_VERSION)) or int(value) > MAX_VERSION:
        return None
    return int(value)


class VersionField(forms.Field):
    """The hidden field that carries the version a form was opened on (`NEW`: nothing
    stored yet). Anything but a whole number is an error with MISSING_VERSION; views
    answer it with `missing_version` (a 400)."""

    widget = forms.HiddenInput
    default_error_messages = {"required": MISSING_VERSION, "invalid": MISSING_VERSION}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        version = parse_version(value if isinstance(value, str) else str(value))
        if version is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return version


class VersionForm(NoLabelSuffix, forms.Form):
    """An action on something that must not have changed since the person read it."""

    version = VersionField()


def posted_version(data: Any, name: str = "version") -> int | None:
    """The version a button's form was opened on (`data[name]`), or None when missing or
    malformed."""
    return parse_version(data.get(name))


def missing_version(request: HttpRequest) -> HttpResponse:
    """The 400 page for a form that came without a (whole, non-negative) version number."""
    return refuse_bad_request(request, str(MISSING_VERSION))
