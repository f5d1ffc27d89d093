"""Downloads: hearing sheets, the cycle result table."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from core.downloads import download_response

from .. import permissions, sheets
from .common import load_cycle, load_entry


def _file(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def hearing_sheet(
    request: HttpRequest, fiscal_year: int, code: str, file_format: str
) -> HttpResponse:
    if file_format not in ("pdf", "xlsx"):
        raise Http404
    entry = load_entry(request, fiscal_year, code, check=permissions.can_download_sheet)
    sections = sheets.hearing_sheet(entry, user=request.user)
    name = f"hearing-sheet-{fiscal_year}-{entry.institution.code}"
    if file_format == "pdf":
        title = f"{entry.cycle.label} ヒアリングシート: {entry.institution.name_ja}"
        return _file(sheets.sheet_pdf(title, sections), "application/pdf", f"{name}.pdf")
    return _file(
        sheets.sheet_xlsx(sections),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{name}.xlsx",
    )


def result_table(request: HttpRequest, fiscal_year: int, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_export_results(request.user):
        raise PermissionDenied
    codes = request.GET.get("headers") == "codes"
    headers, rows = sheets.result_table(user=request.user, cycle=cycle, codes=codes)
    return download_response(
        headers,
        rows,
        file_format=file_format,
        name=f"review-results-{fiscal_year}",
        encoding=request.GET.get("encoding"),
    )
