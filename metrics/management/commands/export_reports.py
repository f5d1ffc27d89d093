"""python manage.py export_reports [--fy YEAR] [--institution CODE] [--format csv|xlsx] [--output FILE]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.spreadsheets import to_csv, to_xlsx
from institutions.fiscal_years import FiscalYearError, parse_fiscal_year
from institutions.models import Institution
from metrics.models import AnnualReport
from metrics.sheets import EXPORT_COLUMNS, export_rows


class Command(BaseCommand):
    help = (
        "Write annual reports with the field codes as columns (amounts in yen), for scripts. "
        "CSV (UTF-8 with BOM) to standard output unless --output is given; XLSX needs --output "
        "or a redirect."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fy", help="fiscal year: 2010, 2010年度, H22, …")
        parser.add_argument("--institution", help="institution code")
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, fy=None, institution=None, format="csv", output=None, **options):
        reports = AnnualReport.objects.select_related("institution").order_by(
            "institution__code", "fiscal_year"
        )
        if fy:
            try:
                reports = reports.filter(fiscal_year=parse_fiscal_year(fy))
            except FiscalYearError as error:
                raise CommandError(str(error)) from error
        if institution:
            if not Institution.objects.filter(code=institution).exists():
                raise CommandError(f"no institution has the code {institution}")
            reports = reports.filter(institution__code=institution)
        rows = export_rows(reports)
        if format == "xlsx":
            body = to_xlsx(list(EXPORT_COLUMNS), rows, title="annual_reports")
        else:
            body = to_csv(list(EXPORT_COLUMNS), rows)
        if output is not None:
            output.write_bytes(body)
            self.stderr.write(f"wrote {output}")
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                buffer.write(body)
                buffer.flush()
            elif format == "csv":
                stream.write(body.decode("utf-8-sig"))
            else:
                raise CommandError("XLSX is binary: give --output FILE")
