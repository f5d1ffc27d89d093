"""The licensee survey in the real Chromium (issue 18).

An official opens the FY2011 survey (the standard questions already filled in); the
TLO's staff upload their customer list as a CSV file; the official opens the survey,
stages the invitations and releases them in the outbox; each customer answers through
the link in their e-mail on a phone-sized screen (390×844), without an account; the
official closes the survey, and the satisfaction index appears on the metric page with
its source, 「顧客5社への調査(回答率100.0%)」. Screenshots go to /tmp/h-surveys-shots/.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from metrics.models import MetricValue
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.factories import InstitutionFactory, official_of, staff_of
from tests.metrics.metric_builders import accepted_report

SHOTS = Path("/tmp/h-surveys-shots")
PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"/surveys/answer/[A-Za-z0-9_-]{43}/")

CUSTOMERS = (
    "company,person,email,relation\n"
    "株式会社みらい精機,佐藤 一郎,sato@mirai.example.co.jp,licensee\n"
    "東和バイオ株式会社,鈴木 花子,suzuki@towa.example.co.jp,joint_research\n"
    "株式会社ひかりソフト,高橋 健,takahashi@hikari.example.co.jp,licensee\n"
    "大和化成株式会社,田中 実,tanaka@yamato.example.co.jp,ライセンス先\n"
    "さくら電子工業株式会社,伊藤 舞,ito@sakura.example.co.jp,other\n"
)
# Each customer's answer: contact desk, contracting, handling of IP ("" = 該当しない), again.
ANSWERS = (
    ("5", "4", "4", "yes"),
    ("4", "4", "5", "yes"),
    ("4", "3", "", "perhaps"),
    ("5", "5", "4", "yes"),
    ("3", "4", "4", "perhaps"),
)
# Worked by hand: desk 21/5 = 4.2, contracting 20/5 = 4.0, IP 17/4 = 4.25 (one 該当しない);
# the index is their mean, 12.45/3 = 4.15.
EXPECTED_INDEX = "4.15"


def _path(name: str, *args) -> str:
    with translation.override("ja"):
        return reverse(name, args=args)


def _sign_in_as(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _answer_on_a_phone(browser, url: str, answer: tuple[str, ...], *, shot: str = "") -> str:
    """One customer: no account, a phone-sized screen. Returns the received page's text."""
    context = browser.new_context(locale="ja-JP", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        phone.goto(url)
        phone.wait_for_selector("#answer-form")
        # Nothing wider than the phone: no sideways scrolling to read or answer.
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if shot:
            _shot(phone, shot)
        desk, contracting, ip_handling, again = answer
        phone.check(f"input[name=desk][value='{desk}']")
        phone.check(f"input[name=contracting][value='{contracting}']")
        phone.check(f"input[name=ip_handling][value='{ip_handling}']")
        phone.check(f"input[name=work_again][value='{again}']")
        if shot:
            phone.fill("#id_comment", "契約書の雛形が分かりやすく、社内の決裁が早く進みました。")
        phone.click("#answer-submit")
        phone.wait_for_selector("h1:has-text('ご回答を受け付けました')")
        if shot:
            _shot(phone, f"{shot}-received")
        return phone.inner_text("main") if phone.locator("main").count() else phone.content()
    finally:
        context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_survey_journey_open_upload_release_answer_close_index(page, browser, live_server):
    # A browser test's database is emptied after each such test, definitions included.
    call_command("load_metric_definitions", stdout=io.StringIO())
    tlo = InstitutionFactory(code="TLO-MIRAI", name_ja="みらいTLO", approval_fy=2001)
    accepted_report(
        tlo,
        2011,
        satisfaction_desk=2,
        satisfaction_contracting=2,
        satisfaction_ip_handling=2,
    )
    staff_of(tlo, username="mirai-staff", first_name="未来 太郎", email="staff@mirai.example.jp")
    official_of(
        username="survey-official", first_name="文科 花子", email="official@mext.example.jp"
    )
    today = timezone.localdate()

    # The official opens the survey for preparation: the questions are already there.
    _sign_in_as(page, live_server, "survey-official")
    page.goto(live_server.url + _path("surveys:create"))
    assert page.input_value("#id_desk_question_ja").startswith("窓口の対応")
    page.fill("#id_fiscal_year", "2011")
    page.fill("#id_opens_on", (today + datetime.timedelta(days=7)).isoformat())
    page.fill("#id_closes_on", (today + datetime.timedelta(days=40)).isoformat())
    page.click("#survey-form button[type=submit]")
    page.wait_for_selector("#survey-phase")
    assert page.inner_text("#survey-phase") == "開始前"
    _shot(page, "01-survey-opened")

    # The TLO's staff upload their customer list.
    _sign_in_as(page, live_server, "mirai-staff")
    page.goto(live_server.url + _path("surveys:detail", 2011))
    page.click("#contacts-TLO-MIRAI")
    page.click("#contacts-upload")
    page.set_input_files(
        "#id_file",
        files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": CUSTOMERS.encode()}],
    )
    page.click("#contact-upload button[type=submit]")
    # The list is checked in the background; the job page shows the outcome.
    page.wait_for_selector("#contact-upload-applied", timeout=30_000)
    assert "5件の顧客を追加しました。" in page.inner_text("#contact-upload-applied")
    page.click("#contact-upload-list")
    assert page.locator("#contacts tbody tr").count() == 5
    _shot(page, "02-list-uploaded")

    # The official opens the survey now, stages the invitations and releases them.
    _sign_in_as(page, live_server, "survey-official")
    page.goto(live_server.url + _path("surveys:detail", 2011))
    page.click("#survey-start")
    page.wait_for_selector("#survey-invite")
    page.click("#survey-invite")
    page.wait_for_selector(".messages .success")
    assert not mail.outbox
    page.goto(live_server.url + _path("notifications:outbox"))
    table = page.inner_text("#outbox-table")
    assert "みらいTLO" in table and "sato@mirai.example.co.jp" in table
    _shot(page, "03-outbox-staged")
    for box in page.locator("#outbox-table input[name=ids]").all():
        box.check()
    page.click("#release")
    page.wait_for_selector(".messages")
    links = sorted(
        {LINK.search(message.body).group(0) for message in mail.outbox},
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(re.findall(r"[\w.]+@[\w.]+", CUSTOMERS))
    assert len(links) == 5

    # Each customer answers on a phone; the first one's page is looked at closely.
    first = _answer_on_a_phone(browser, live_server.url + links[0], ANSWERS[0], shot="04-answer")
    assert "ご回答を受け付けました" in first
    for link, answer in zip(links[1:], ANSWERS[1:], strict=True):
        _answer_on_a_phone(browser, live_server.url + link, answer)

    # The official closes the survey; the index is recomputed from the answers.
    page.goto(live_server.url + _path("surveys:detail", 2011))
    page.click("#survey-close")
    page.wait_for_selector(".messages .success")
    assert page.inner_text("#survey-phase") == "終了"
    _shot(page, "05-survey-closed")

    page.goto(live_server.url + _path("metrics:metric_detail", "satisfaction_index") + "?fy=2011")
    ranking = page.inner_text("#ranking")
    assert "みらいTLO" in ranking
    assert EXPECTED_INDEX in ranking
    assert "顧客5社への調査(回答率100.0%)" in ranking
    assert "各TLOの顧客への調査の回答による値です" in page.inner_text("#satisfaction-source")
    _shot(page, "06-metric-page")
    stored = MetricValue.objects.get(
        definition__code="satisfaction_index", institution=tlo, fiscal_year=2011
    )
    assert f"{stored.value:.2f}" == EXPECTED_INDEX
