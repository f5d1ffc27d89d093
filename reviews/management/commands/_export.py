"""Shared by the export commands: the cycle, an official to read as, the file."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError

from core.spreadsheets import to_csv, to_xlsx
from institutions.models import User
from reviews.models import ReviewCycle


def add_arguments(parser) -> None:
    parser.add_argument("--fy", type=int, required=True, help="fiscal year of the cycle")
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--output", help="file to write (default: standard output)")


def cycle_of(fiscal_year: int) -> ReviewCycle:
    try:
        return ReviewCycle.objects.get(fiscal_year=fiscal_year)
    except ReviewCycle.DoesNotExist:
        raise CommandError(f"No review cycle for fiscal year {fiscal_year}.") from None


class OfficialsView:
    """Commands run by officials on the server read what an official sees."""

    is_authenticated = True
    is_official = True
    is_administrator = True
    is_reviewer = False
    is_tlo_staff = False
    role = "official"
    pk = None


def as_official() -> User:
    return OfficialsView()  # type: ignore[return-value]


def write(command, headers, rows, *, file_format: str, output: str | None) -> None:
    body = (
        to_xlsx(headers, rows, title="export") if file_format == "xlsx" else to_csv(headers, rows)
    )
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
        return
    if file_format == "xlsx":
        sys.stdout.buffer.write(body)
        return
    command.stdout.write(body.decode("utf-8-sig"), ending="")
