"""An uploaded customer list is stored in the request and checked in the background
(core.jobs, like the report import): the request parses nothing, the job page shows the
outcome, and a hostile file gets a Japanese message naming its row and column."""

import datetime
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.enums import JobState
from surveys.models import Contact, ContactUpload
from surveys.services import contacts, erasure, rounds
from tests.metrics.importing_support import handmade_xlsx, sheet_data
from tests.surveys.conftest import add_contacts

HEADER = "company,person,email,relation\n"


def upload_url(survey, institution):
    return reverse("surveys:contacts_upload", args=[survey.fiscal_year, institution.code])


def a_file(data: bytes | str, name="customers.csv"):
    buffer = io.BytesIO(data.encode() if isinstance(data, str) else data)
    buffer.name = name
    return buffer


def post(client, survey, institution, data, name="customers.csv"):
    """Post a list and run what the request queued, as a worker would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = client.post(upload_url(survey, institution), {"file": a_file(data, name)})
    assert posted.status_code == 302, posted.status_code
    return ContactUpload.objects.get(), posted["Location"]


def problems_after(client, survey, institution, data, name="customers.csv"):
    job, location = post(client, survey, institution, data, name)
    assert job.state == JobState.FAILED
    page = client.get(location)
    assert page.status_code == 200
    assert Contact.objects.count() == 0
    return job.problems, page.content.decode()


def test_upload_request_parses_nothing(
    client_for, staff_a, institution_a, scheduled_survey, monkeypatch
):
    parsed = []
    original = contacts.read_upload_rows
    monkeypatch.setattr(
        contacts, "read_upload_rows", lambda data: parsed.append(1) or original(data)
    )
    client = client_for(staff_a)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        posted = client.post(
            upload_url(scheduled_survey, institution_a),
            {"file": a_file(HEADER + "株式会社X,佐藤,x@example.jp,licensee\n")},
        )
    job = ContactUpload.objects.get()
    assert (posted.status_code, job.state, parsed) == (302, JobState.UPLOADED, [])
    assert posted["Location"] == reverse(
        "surveys:contacts_upload_detail", args=[2011, institution_a.code, job.pk]
    )
    running = client.get(posted["Location"]).content.decode()
    assert 'id="import-progress"' in running
    progress = client.get(
        reverse("surveys:contacts_upload_progress", args=[2011, institution_a.code, job.pk])
    ).json()
    assert (progress["state"], progress["running"]) == ("uploaded", True)

    for callback in queued:
        callback()
    job.refresh_from_db()
    assert (job.state, job.added, parsed) == (JobState.APPLIED, 1, [1])
    assert list(Contact.objects.values_list("email", flat=True)) == ["x@example.jp"]
    # The file held personal data: it is gone once read.
    assert not job.file


def test_upload_nul_byte_in_a_csv_names_row_and_column(
    client_for, staff_a, institution_a, scheduled_survey
):
    data = HEADER + "株式会社X,佐藤,x@example.jp,licensee\n株式会社Y,鈴\x00木,y@example.jp,other\n"
    problems, page = problems_after(client_for(staff_a), scheduled_survey, institution_a, data)
    assert problems == ["3行目、person列:NUL文字が含まれています。"]
    assert "3行目、person列" in page


def test_upload_nul_byte_in_the_header_names_the_column_by_its_letter(
    client_for, staff_a, institution_a, scheduled_survey
):
    data = "company,pers\x00on,email,relation\n株式会社X,佐藤,x@example.jp,licensee\n"
    problems, page = problems_after(client_for(staff_a), scheduled_survey, institution_a, data)
    assert problems == ["1行目、B列:NUL文字が含まれています。"]
    assert "\x00" not in page


def test_upload_nul_character_in_an_xlsx_cell_names_row_and_column(
    client_for, staff_a, institution_a, scheduled_survey
):
    cells = {"A1": "company", "B1": "person", "C1": "email", "D1": "relation"}
    cells |= {"A2": "株式会社\x00X", "B2": "佐藤", "C2": "x@example.jp", "D2": "licensee"}
    problems, _page = problems_after(
        client_for(staff_a),
        scheduled_survey,
        institution_a,
        handmade_xlsx(sheet_data(cells)),
        "list.xlsx",
    )
    assert problems == ["2行目、company列:NUL文字が含まれています。"]


def test_upload_far_cell_is_refused_naming_the_cell(
    client_for, staff_a, institution_a, scheduled_survey
):
    cells = {"A1": "company", "B1": "person", "C1": "email", "D1": "relation"}
    cells |= {"A2": "株式会社X", "B2": "佐藤", "C2": "x@example.jp", "D2": "licensee"}
    cells |= {"XFD1048576": "遠いセル"}
    problems, page = problems_after(
        client_for(staff_a),
        scheduled_survey,
        institution_a,
        handmade_xlsx(sheet_data(cells)),
        "far.xlsx",
    )
    (problem,) = problems
    assert problem.startswith("セル XFD1048576 は、取り込める範囲")
    assert "XFD1048576" in page


def test_upload_line_break_in_a_name_names_row_and_column(
    client_for, staff_a, institution_a, scheduled_survey
):
    data = HEADER + '"株式会社\nX",佐藤,x@example.jp,licensee\n'
    problems, _page = problems_after(client_for(staff_a), scheduled_survey, institution_a, data)
    assert problems == ["2行目、company列:改行などの制御文字が含まれています。"]


def test_upload_html_in_names_is_kept_as_text_and_shown_escaped(
    client_for, staff_a, institution_a, scheduled_survey
):
    client = client_for(staff_a)
    data = HEADER + "<script>alert(1)</script>,<b>佐藤</b>,x@example.jp,licensee\n"
    job, _location = post(client, scheduled_survey, institution_a, data)
    assert job.state == JobState.APPLIED
    contact = Contact.objects.get()
    assert (contact.company, contact.person) == ("<script>alert(1)</script>", "<b>佐藤</b>")
    listed = client.get(
        reverse("surveys:contacts", args=[2011, institution_a.code])
    ).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed and "<script>alert" not in listed
    assert "&lt;b&gt;佐藤&lt;/b&gt;" in listed


def test_upload_html_in_a_problem_is_shown_escaped(
    client_for, staff_a, institution_a, scheduled_survey
):
    data = HEADER + "株式会社X,佐藤,<img src=x onerror=alert(1)>,licensee\n"
    problems, page = problems_after(client_for(staff_a), scheduled_survey, institution_a, data)
    assert problems == [
        "2行目、email列:「<img src=x onerror=alert(1)>」はメールアドレスではありません。"
    ]
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page


def test_upload_checked_after_the_survey_opened_adds_nothing(
    client_for, staff_a, institution_a, scheduled_survey, mext_official
):
    client = client_for(staff_a)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        client.post(
            upload_url(scheduled_survey, institution_a),
            {"file": a_file(HEADER + "株式会社X,佐藤,x@example.jp,licensee\n")},
        )
    rounds.start_survey(actor=mext_official, survey=scheduled_survey)
    for callback in queued:
        callback()
    job = ContactUpload.objects.get()
    assert (job.state, job.problems) == (JobState.FAILED, ["顧客名簿は調査開始まで変更できます。"])
    assert Contact.objects.count() == 0


def test_upload_duplicates_against_the_list_as_it_is_when_checked(
    client_for, staff_a, institution_a, scheduled_survey
):
    client = client_for(staff_a)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        client.post(
            upload_url(scheduled_survey, institution_a),
            {"file": a_file(HEADER + "株式会社X,佐藤,c0@example.co.jp,licensee\n")},
        )
    add_contacts(scheduled_survey, institution_a, 1)  # entered by hand meanwhile
    for callback in queued:
        callback()
    job = ContactUpload.objects.get()
    assert job.problems == ["2行目、email列:このアドレスはすでに名簿にあります。"]
    assert Contact.objects.count() == 1


def test_upload_silent_for_minutes_is_failed_with_a_message(
    staff_a, institution_a, scheduled_survey
):
    job = ContactUpload.objects.create(
        survey=scheduled_survey,
        institution=institution_a,
        uploaded_by=staff_a,
        original_name="list.csv",
        language="ja",
        state=JobState.PARSING,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=10),
    )
    assert contacts.fail_silent_contact_uploads() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.problems[0].startswith("名簿の確認が中断されました。")


def test_upload_page_is_the_uploaders_only(
    client_for, staff_a, staff_b, mext_official, institution_a, scheduled_survey, anonymous_client
):
    job, location = post(
        client_for(staff_a),
        scheduled_survey,
        institution_a,
        HEADER + "株式会社X,佐藤,x@example.jp,licensee\n",
    )
    progress = reverse("surveys:contacts_upload_progress", args=[2011, institution_a.code, job.pk])
    assert client_for(staff_a).get(location).status_code == 200
    assert client_for(staff_b).get(location).status_code == 404  # another TLO's staff
    assert client_for(staff_b).get(progress).status_code == 404
    assert client_for(mext_official).get(location).status_code == 404  # not theirs
    assert "/accounts/login/" in anonymous_client.get(location)["Location"]


def test_erasing_a_survey_deletes_its_uploads(staff_a, institution_a, scheduled_survey):
    ContactUpload.objects.create(
        survey=scheduled_survey,
        institution=institution_a,
        uploaded_by=staff_a,
        original_name="list.csv",
        state=JobState.FAILED,
        problems=["2行目、email列:「yamada@example」はメールアドレスではありません。"],
    )
    erasure.erase_survey_contacts(survey=scheduled_survey)
    assert not ContactUpload.objects.exists()


pytestmark = pytest.mark.django_db
