"""Hearings and their .ics, statements and attachments, exports, the dashboard source."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from icalendar import Calendar

from core.versions import NEW
from notifications.enums import NotificationKind
from notifications.models import Notification
from reviews.enums import Stage
from reviews.errors import ReviewError
from reviews.models import Assignment, Hearing, StatementAttachment
from reviews.selectors.quadrant import quadrant_points
from reviews.services import hearings, statements

from .conftest import assign, score_all, set_stage


def _schedule(entry, official, reviewers, day=datetime.date(2011, 1, 20), start=10):
    """Schedule or move the hearing from the version stored now."""
    current = Hearing.objects.filter(entry=entry).first()
    return hearings.schedule_hearing(
        actor=official,
        entry=entry,
        date=day,
        starts_at=datetime.time(start),
        ends_at=datetime.time(start, 50),
        place="会議室",
        online_url="",
        attendees=[*reviewers, official],
        expected_version=current.version if current else NEW,
    )


def test_hearing_scheduled_then_moved_stages_ics_messages(
    assigned, entry_a, mext_official, mext_reviewer, staff_a
):
    hearing = _schedule(entry_a, mext_official, [mext_reviewer])
    _schedule(entry_a, mext_official, [mext_reviewer], start=14)
    scheduled = Notification.objects.filter(kind=NotificationKind.HEARING_SCHEDULED)
    moved = Notification.objects.filter(kind=NotificationKind.HEARING_MOVED)
    assert {n.recipient for n in scheduled} == {mext_official, mext_reviewer, staff_a}
    assert moved.count() == 3
    assert all(n.state == "staged" for n in [*scheduled, *moved])
    event = Calendar.from_ical(moved.first().attachments[0]["content"]).walk("VEVENT")[0]
    hearing.refresh_from_db()
    assert event["SEQUENCE"] == 1 == hearing.sequence
    assert event.decoded("DTSTART").hour == 14


def test_hearing_ics_names_attendees_for_the_ministries_only(
    assigned, entry_a, mext_official, mext_reviewer, staff_a, client_for
):
    mext_reviewer.email = "reviewer@example.jp"
    mext_reviewer.save(update_fields=["email"])
    _schedule(entry_a, mext_official, [mext_reviewer])
    url = "/reviews/2010/institutions/TLO-AAA/hearing.ics"

    def attendees(person):
        response = client_for(person).get(url)
        assert response.status_code == 200, (person, response.status_code)
        event = Calendar.from_ical(response.content).walk("VEVENT")[0]
        found = event.get("ATTENDEE", [])
        return [str(a) for a in (found if isinstance(found, list) else [found])]

    assert "mailto:reviewer@example.jp" in attendees(mext_official)
    assert attendees(staff_a) == []


def test_hearing_refuses_unassigned_reviewer(assigned, entry_a, mext_official, unassigned_reviewer):
    with pytest.raises(ReviewError):
        _schedule(entry_a, mext_official, [unassigned_reviewer])


def test_reviewer_downloads_all_their_hearings(
    assigned, entry_a, entry_b, mext_official, mext_reviewer, client_for
):
    assign(entry_b, mext_reviewer)
    _schedule(entry_a, mext_official, [mext_reviewer])
    _schedule(entry_b, mext_official, [mext_reviewer], day=datetime.date(2011, 1, 21))
    response = client_for(mext_reviewer).get("/reviews/2010/hearings/mine.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    assert "機関A" in str(events[0]["SUMMARY"]) or "機関A" in str(events[1]["SUMMARY"])


def test_hearing_day_view_filters_by_date(
    assigned, entry_a, entry_b, mext_official, mext_reviewer, client_for
):
    assign(entry_b, mext_reviewer)
    _schedule(entry_a, mext_official, [mext_reviewer])
    _schedule(entry_b, mext_official, [mext_reviewer], day=datetime.date(2011, 1, 21))
    body = client_for(mext_official).get("/reviews/2010/hearings/?date=2011-01-21").content.decode()
    assert "機関B" in body and "機関A</a>" not in body
    assert client_for(mext_official).get("/reviews/2010/hearings/?date=garbage").status_code == 200


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def test_statement_with_attachment_private_download(
    assigned, entry_a, staff_a, staff_b, mext_reviewer, client_for
):
    set_stage(assigned, Stage.STATEMENTS)
    statements.save_statement(
        actor=staff_a,
        entry=entry_a,
        regional_necessity="必要",
        improvement_plan="計画",
        regional_support="支援",
        support_lines=[statements.SupportInput("県", 1_000_000)],
        expected_version=NEW,
    )
    attachment = statements.add_attachment(
        actor=staff_a, entry=entry_a, upload=SimpleUploadedFile("資料.docx", _docx())
    )
    assert "statements/" in attachment.file.name and "資料" not in attachment.file.name
    url = f"/reviews/2010/institutions/TLO-AAA/statement/attachments/{attachment.pk}/"
    response = client_for(mext_reviewer).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(staff_b).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [("x.exe", b"MZ"), ("fake.pdf", b"<html>"), ("broken.xlsx", b"PK\x03\x04nonsense")],
)
def test_attachment_refuses_wrong_files(assigned, entry_a, staff_a, name, content):
    set_stage(assigned, Stage.STATEMENTS)
    with pytest.raises(ReviewError):
        statements.add_attachment(
            actor=staff_a, entry=entry_a, upload=SimpleUploadedFile(name, content)
        )
    assert StatementAttachment.objects.count() == 0


def test_statement_only_while_open(assigned, entry_a, staff_a, client_for):
    set_stage(assigned, Stage.SCORING)
    assert (
        client_for(staff_a).get("/reviews/2010/institutions/TLO-AAA/statement/").status_code == 403
    )


def test_export_commands(scoring, entry_a, mext_reviewer, meti_reviewer, conflicted_reviewer):
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 5)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 3)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=conflicted_reviewer), 2, submit=False)
    out = io.StringIO()
    call_command("export_review_scores", "--fy", "2010", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "institution_code,reviewer,ministry,criterion,score,comment,submitted"
    assert "TLO-AAA,mext-reviewer,mext,model_activity,5,理由,true" in lines
    assert "TLO-AAA,conflicted-reviewer,meti,model_activity,2,理由,false" in lines
    assert len(lines) == 1 + 3 * 4
    out = io.StringIO()
    call_command("export_review_results", "--fy", "2010", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "institution_code,criterion,mext_mean,meti_mean,joint,divergent"
    assert "TLO-AAA,model_activity,5.0,3.0,4.0,true" in lines
    assert "TLO-AAA,weighted_total,,,4.0,false" in lines
    assert "TLO-BBB,model_activity,,,,false" in lines


def test_result_table_download_for_officials(
    scoring, entry_a, mext_reviewer, mext_official, client_for
):
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 4)
    response = client_for(mext_official).get("/reviews/2010/results.csv?headers=codes")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("institution_code,institution_name,model_activity_mext")
    assert "TLO-AAA" in text


def test_pdf_sheet_embeds_japanese_font(scoring, client_for, mext_official):
    response = client_for(mext_official).get("/reviews/2010/institutions/TLO-AAA/sheet.pdf")
    assert response.content.startswith(b"%PDF")
    assert b"IPAexGothic" in response.content


def test_dashboard_quadrant(scoring, entry_a, mext_reviewer, meti_reviewer, mext_official, viewer):
    assert quadrant_points(user=mext_official) is None
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), [3, 5, 3, 3])
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), [3, 2, 3, 3])
    data = quadrant_points(user=mext_official)
    assert data["fiscal_year"] == 2010
    assert data["points"] == [
        {
            "institution_id": entry_a.institution_id,
            "regional_necessity": 3.5,
            "category": data["points"][0]["category"],
        }
    ]
    assert data["points"][0]["category"]
    assert quadrant_points(user=mext_reviewer) is None
    assert quadrant_points(user=viewer) is None


def test_hearing_minutes_hidden_from_the_institutions_staff(
    assigned, entry_a, mext_official, staff_a, client_for
):
    from reviews.permissions import can_view_minutes

    hearings.schedule_hearing(
        actor=mext_official,
        entry=entry_a,
        date=datetime.date(2011, 1, 20),
        starts_at=datetime.time(10),
        ends_at=datetime.time(11),
        place="会議室",
        online_url="",
        attendees=[],
        minutes="審査員だけの議事録メモ",
        expected_version=NEW,
    )
    page = "/reviews/2010/institutions/TLO-AAA/"
    staff_page = client_for(staff_a).get(page)
    official_page = client_for(mext_official).get(page)
    assert staff_page.status_code == 200
    assert "審査員だけの議事録メモ" not in staff_page.content.decode()
    assert "審査員だけの議事録メモ" in official_page.content.decode()
    assert can_view_minutes(staff_a, entry_a) is False
    assert can_view_minutes(mext_official, entry_a) is True
