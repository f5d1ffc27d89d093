"""python manage.py import_reports FILE --as USERNAME [--accept] [--dry-run]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from institutions.models import User
from metrics.importing.wording import command_line
from metrics.permissions import can_import
from metrics.services.imports import ImportConflict, import_file


class Command(BaseCommand):
    help = (
        "Import annual reports from a CSV or XLSX file, as the web import does, on behalf "
        "of a person (whose rights apply). Columns: institution (code), fiscal_year and the "
        "report field codes; the template's Japanese headers are accepted too. Every row is "
        "applied or none. Exit status 0 on success, 1 with one line per error on stderr "
        "(row N, column C: …) and nothing stored. With --accept (officials only) the "
        "reports are stored accepted by that official: figures the ministries already hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="the person the import is made for"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; store nothing"
        )
        parser.add_argument(
            "--accept",
            action="store_true",
            help=(
                "store the reports accepted by the named official (historical figures the "
                "ministries hold); refused for anyone else, and for rows whose report is "
                "submitted or accepted with different figures"
            ),
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: %(default)s)",
        )

    def handle(
        self,
        *args,
        file: Path,
        username: str,
        dry_run: bool,
        accept: bool,
        language: str,
        **options,
    ):
        try:
            actor = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no such user: {username}") from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        with translation.override(language):
            try:
                preview, applied = import_file(
                    actor=actor,
                    data=data,
                    file_name=file.name,
                    dry_run=dry_run,
                    as_accepted=accept,
                )
            except PermissionDenied:
                if accept and can_import(actor):
                    raise CommandError(
                        f"{username} may not import reports as accepted: only officials may"
                    ) from None
                raise CommandError(f"{username} may not import annual reports") from None
            except ImportConflict as conflict:
                self._fail(conflict.messages)
            problems = [*preview.file_errors, *(p for row in preview.rows for p in row.problems)]
            if problems:
                self._fail([command_line(problem) for problem in problems])
            summary = preview.summary
            warnings = [
                f"row {row.row}: {warning.message}"
                for row in preview.rows
                for warning in row.warnings
            ]
        for line in warnings:
            self.stdout.write(f"warning: {line}")
        counts = (
            f"{summary['rows']} rows: {summary['new']} new, {summary['changed']} changed, "
            f"{summary['unchanged']} unchanged"
        )
        if applied is None:
            self.stdout.write(f"dry run, nothing stored. {counts}")
        else:
            accepted = f", {applied.accepted} stored accepted" if accept else ""
            self.stdout.write(
                f"imported. {counts}; {applied.created} reports created, "
                f"{applied.updated} updated{accepted}"
            )

    def _fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line)
        sys.exit(1)
