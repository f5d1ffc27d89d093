"""The audit history (django-simple-history records) as people read it: who, when, what
changed from what to what, with the fields' labels and the choices' names."""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    notes: list[str] = field(default_factory=list)  # lines without a before and after


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


def row_set_entries(
    records: Iterable,
    *,
    name: str,
    boundaries: Sequence[datetime.datetime],
    fields: Sequence[str],
    label: Label,
    display: Display,
    identity: Callable[[Any], str],
) -> list[HistoryEntry]:
    """History records of the rows of one table that belongs to a parent (a report's
    licence rows), oldest first, as one summary entry per save instead of one per row:
    「ライセンス明細: 3行追加、1行変更、2行削除」, the changed rows' fields, and which
    rows were added and deleted.

    A save is the records by one person with one change reason between two records of
    the parent (`boundaries`: the parent's history dates, oldest first); the parent's
    record of the save may come before or after its rows'. A row deleted and one added
    with the same `identity` in one save (an import replaces the rows) is a change, and
    no change at all when nothing differs; a save that changed nothing gives no entry.
    """
    saves: dict[tuple, list] = {}
    for record in records:
        segment = bisect.bisect_right(boundaries, record.history_date)
        key = (segment, record.history_user_id, record.history_change_reason or "")
        saves.setdefault(key, []).append(record)
    entries = []
    last: dict[Any, Any] = {}
    for save in saves.values():
        entry = _row_save_entry(
            save, last, name=name, fields=fields, label=label, display=display, identity=identity
        )
        if entry is not None:
            entries.append(entry)
        for record in save:
            last[record.id] = record
    return entries


def _row_save_entry(save, last, *, name, fields, label, display, identity) -> HistoryEntry | None:
    final: dict[Any, Any] = {}
    for record in save:
        final[record.id] = record
    added: dict[str, Any] = {}
    deleted: dict[str, Any] = {}
    changed: list[tuple[Any, Any]] = []
    for row_id, after in final.items():
        before = last.get(row_id)
        existed = before is not None and before.history_type != "-"
        if not existed and after.history_type != "-":
            added[identity(after)] = after
        elif existed and after.history_type == "-":
            deleted[identity(before)] = before
        elif existed:
            changed.append((before, after))
    for reference in sorted(added.keys() & deleted.keys()):
        changed.append((deleted.pop(reference), added.pop(reference)))
    changes = []
    changed_rows = 0
    for before, after in changed:
        row_changes = field_changes(after, before, fields=fields, label=label, display=display)
        if row_changes:
            changed_rows += 1
            changes += [
                FieldChange(f"{identity(before)} {c.label}", c.old, c.new) for c in row_changes
            ]
    if not (added or deleted or changed_rows):
        return None
    parts = [
        ngettext("%(count)s row added", "%(count)s rows added", n) % {"count": n}
        for n in [len(added)]
        if n
    ]
    parts += [
        ngettext("%(count)s row changed", "%(count)s rows changed", n) % {"count": n}
        for n in [changed_rows]
        if n
    ]
    parts += [
        ngettext("%(count)s row deleted", "%(count)s rows deleted", n) % {"count": n}
        for n in [len(deleted)]
        if n
    ]
    notes = [
        f"{heading}: {_(', ').join(sorted(references))}"
        for heading, references in ((_("added"), added), (_("deleted"), deleted))
        if references
    ]
    first = save[0]
    return HistoryEntry(
        when=max(record.history_date for record in save),
        who=person_name(first.history_user),
        action=_("%(name)s: %(parts)s") % {"name": name, "parts": _(", ").join(parts)},
        changes=changes,
        notes=notes,
    )
