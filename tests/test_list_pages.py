"""Pages that list many rows: paginated, reading only the columns they show; their
downloads hold every row the filters select."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.enums import InstitutionKind
from institutions.models import Institution
from metrics.enums import ReportState
from metrics.models import AnnualReport
from notifications.enums import NotificationKind
from notifications.models import Notification
from tests.factories import InstitutionFactory
from tests.support import get_ok

pytestmark = pytest.mark.django_db

ROWS = 105  # more than a page of 100


def _institutions(count: int) -> list[Institution]:
    return [
        InstitutionFactory(code=f"TLO-{n:04d}", kind=InstitutionKind.APPROVED_TLO)
        for n in range(count)
    ]


def test_institution_list_shows_a_page_of_a_hundred(client_for, viewer):
    _institutions(ROWS)
    first = get_ok(client_for(viewer), "/institutions/").content.decode()
    second = get_ok(client_for(viewer), "/institutions/", page=2).content.decode()
    assert first.count("/institutions/TLO-") == 100
    assert second.count("/institutions/TLO-") == ROWS - 100
    assert "TLO-0000" in first and "TLO-0104" in second
    assert f"{ROWS}" in first  # the count is of every row, not of the page


def test_institution_list_download_is_never_paginated(client_for, viewer):
    _institutions(ROWS)
    response = client_for(viewer).get("/institutions/", {"format": "csv", "page": 2})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == ROWS + 1


def test_institution_list_page_out_of_range_shows_the_last(client_for, viewer):
    _institutions(ROWS)
    body = get_ok(client_for(viewer), "/institutions/", page="999").content.decode()
    assert "TLO-0104" in body


def test_institution_list_hostile_page_number_shows_the_first(client_for, viewer):
    _institutions(3)
    body = get_ok(client_for(viewer), "/institutions/", page="'; DROP").content.decode()
    assert "TLO-0000" in body


def _sql_reading(table: str, queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_report_list_reads_no_figure(client_for, mext_official):
    (institution,) = _institutions(1)
    AnnualReport.objects.create(institution=institution, fiscal_year=2010, state=ReportState.DRAFT)
    with CaptureQueriesContext(connection) as queries:
        body = get_ok(client_for(mext_official), "/metrics/reports/").content.decode()
    assert "TLO-0000" in body
    listing = [sql for sql in _sql_reading("metrics_annualreport", queries) if "LIMIT" in sql]
    assert listing
    for sql in listing:
        assert "licence_income" not in sql
        assert "patent_applications" not in sql


def test_outbox_list_reads_no_message_body(client_for, mext_official):
    Notification.objects.create(
        kind=NotificationKind.REPORT_ACCEPTED,
        recipient=mext_official,
        subject="件名",
        body="本文" * 1000,
    )
    with CaptureQueriesContext(connection) as queries:
        body = get_ok(client_for(mext_official), "/notifications/").content.decode()
    assert "件名" in body
    listing = [sql for sql in _sql_reading("notifications_notification", queries) if "LIMIT" in sql]
    assert listing
    for sql in listing:
        assert '"notifications_notification"."body"' not in sql
