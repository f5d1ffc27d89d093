"""The audit history (django-simple-history records) as people read it: who, when, what
changed from what to what, with the fields' labels and the choices' names."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from .people import person_name

Label = Callable[[str], str]
Display = Callable[[str, Any], str]


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    subject: str = ""  # what the entry is about when a page mixes several objects
    changes: list[FieldChange] = field(default_factory=list)


def field_label(model: type[models.Model]) -> Label:
    """A field's verbose name, capitalised as a heading."""

    def label(name: str) -> str:
        return str(model._meta.get_field(name).verbose_name)

    return label


def field_display(model: type[models.Model]) -> Display:
    """A stored value as text: choices by their name, yes/no, 1,234, dates, — for blank."""

    def display(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # a history-only attribute
            model_field = None
        if model_field is not None and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return str(value)

    return display


def type_label(history_type: str) -> str:
    """追加 / 変更 / 削除 for a record without a change reason."""
    return {"+": _("added"), "~": _("changed"), "-": _("deleted")}[history_type]


def field_changes(
    record,
    before,
    *,
    fields: Sequence[str],
    label: Label,
    display: Display,
) -> list[FieldChange]:
    """What `record` changed from `before` among `fields`; with no `before`, the values it
    was created with (blank ones left out)."""
    if before is None:
        return [
            FieldChange(label(name), "—", display(name, getattr(record, name)))
            for name in fields
            if getattr(record, name, None) not in (None, "")
        ]
    return [
        FieldChange(label(name), display(name, getattr(before, name)), display(name, new))
        for name in fields
        if (new := getattr(record, name)) != getattr(before, name)
    ]


def history_entries(
    records: Iterable,
    *,
    fields: Sequence[str],
    label: Label,
    display: Display,
    action: Callable[[Any], str] | None = None,
    subject: Callable[[Any], str] | None = None,
    key: Callable[[Any], Any] = lambda record: record.id,
) -> list[HistoryEntry]:
    """History records (of one or several objects, oldest first, with `history_user`
    selected) → entries, each comparing a record with the previous one of its object.

    `action(record)` names what happened (default: the change reason, else
    added/changed/deleted); a deletion lists no field changes.
    """
    entries = []
    last: dict[Any, Any] = {}
    for record in records:
        before = last.get(key(record))
        changes = (
            []
            if record.history_type == "-"
            else field_changes(record, before, fields=fields, label=label, display=display)
        )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=person_name(record.history_user),
                action=action(record)
                if action
                else (record.history_change_reason or type_label(record.history_type)),
                subject=subject(record) if subject else "",
                changes=changes,
            )
        )
        last[key(record)] = record
    return entries
