"""The hearing statement an institution's staff write while statements are open."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.text import display_file_name
from core.versions import StaleVersion, claim_version
from institutions.models import User
from institutions.permissions import is_member

from ..enums import Activity
from ..errors import ReviewError
from ..gates import require_stage
from ..models import CycleEntry, HearingStatement, StatementAttachment, SupportLine
from ..permissions import can_edit_statement

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The part an Office file of each kind must contain.
OFFICE_PARTS = {".xlsx": "xl/workbook.xml", ".docx": "word/document.xml"}
MAX_ZIP_ENTRIES = 10_000
MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class SupportInput:
    provider: str
    amount: int


@transaction.atomic
def save_statement(
    *,
    actor: User,
    entry: CycleEntry,
    regional_necessity: str,
    improvement_plan: str,
    regional_support: str,
    support_lines: Iterable[SupportInput],
    expected_version: int,
) -> HearingStatement:
    """Write the statement (created on first save) and replace its regional support
    lines, if nobody changed it since the form was opened (`expected_version`; `NEW`
    for a statement not written yet).

    Side effects, in order: the version moves on; the statement and its lines are saved
    with history (who, when).
    """
    if not is_member(actor, entry.institution):
        raise PermissionDenied
    require_stage(entry.cycle, Activity.WRITE_STATEMENT)
    statement = HearingStatement.objects.select_for_update().filter(
        entry=entry
    ).first() or HearingStatement(entry=entry)
    claim_version(statement, expected_version)
    statement.regional_necessity = regional_necessity.strip()
    statement.improvement_plan = improvement_plan.strip()
    statement.regional_support = regional_support.strip()
    statement.updated_by = actor
    statement._history_user = actor
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError:  # written by a colleague at the same moment
        raise StaleVersion(statement) from None
    for line in statement.support_lines.all():
        line._history_user = actor
        line.delete()
    for line in support_lines:
        row = SupportLine(statement=statement, provider=line.provider.strip(), amount=line.amount)
        row._history_user = actor
        row.save()
    return statement


def _check_file(upload: UploadedFile) -> str:
    """The file's suffix if it is a PDF, XLSX or DOCX of at most 20 MB; else ReviewError."""
    name = display_file_name(upload.name or "")
    suffix = PurePath(name).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise ReviewError(
            _("%(name)s: only PDF, XLSX and DOCX files can be attached.") % {"name": name}
        )
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ReviewError(_("%(name)s is larger than 20 MB.") % {"name": name})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if suffix == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise ReviewError(_("%(name)s is not a PDF file.") % {"name": name})
        return suffix
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if len(names) > MAX_ZIP_ENTRIES or OFFICE_PARTS[suffix] not in names:
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReviewError(
            _("%(name)s is not a valid %(kind)s file.") % {"name": name, "kind": suffix[1:].upper()}
        ) from None
    finally:
        upload.seek(0)
    return suffix


@transaction.atomic
def add_attachment(*, actor: User, entry: CycleEntry, upload: UploadedFile) -> StatementAttachment:
    """Attach a PDF, XLSX or DOCX (≤ 20 MB) to the statement, stored privately.

    Side effects: the statement is created if needed; the file is stored under a
    generated name; the attachment row is saved with history.
    """
    if not can_edit_statement(actor, entry):
        raise PermissionDenied
    suffix = _check_file(upload)
    statement = HearingStatement.objects.select_for_update().filter(entry=entry).first()
    if statement is not None and statement.attachments.count() >= MAX_ATTACHMENTS:
        raise ReviewError(
            _("A statement can have at most %(count)s attachments; remove one first.")
            % {"count": MAX_ATTACHMENTS}
        )
    if statement is None:
        statement = HearingStatement(entry=entry, updated_by=actor)
        statement._history_user = actor
        statement.save()
    attachment = StatementAttachment(
        statement=statement,
        original_name=display_file_name(upload.name or "")[:200],
        content_type=CONTENT_TYPES[suffix],
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name or f"attachment{suffix}", upload, save=False)
    attachment._history_user = actor
    attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(*, actor: User, attachment: StatementAttachment) -> None:
    """Remove an attachment while statements are open.

    Side effects: the row is deleted (history keeps it); the stored file is removed when
    the transaction commits.
    """
    if not can_edit_statement(actor, attachment.statement.entry):
        raise PermissionDenied
    file = attachment.file
    attachment._history_user = actor
    attachment.delete()
    transaction.on_commit(lambda: file.delete(save=False))
