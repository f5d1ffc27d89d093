"""The joint review journey in the real Chromium (issue 8).

An official opens a cycle and assigns from the automatic proposal; TLO staff write a
statement with an attachment; a MEXT and a METI reviewer score (they differ by 3 points on
regional necessity); the deliberation shows the flag; both ministries' officials approve;
the cycle is published and the staff see their decision. Buttons are found by their ids;
effects are checked in the database.
"""

import io
import zipfile

import pytest

from institutions.enums import Ministry
from reviews.enums import DecisionState, Stage
from reviews.models import Decision, HearingStatement, ReviewCycle
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.factories import InstitutionFactory, official_of, reviewer_of, staff_of

RATIONALE = "地域の技術移転の拠点として必要性が高い。"


def _as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _stage(page, live_server, action):
    page.goto(f"{live_server.url}/reviews/2010/")
    page.click(f"#stage-{action}")
    page.wait_for_selector(".messages")


def _docx(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    path.write_bytes(buffer.getvalue())
    return path


def _score(page, live_server, username, necessity):
    _as(page, live_server, username)
    page.goto(f"{live_server.url}/reviews/2010/institutions/TLO-JOURNEY/score/")
    for code, value in [
        ("model_activity", 3),
        ("regional_necessity", necessity),
        ("self_improvement", 3),
        ("regional_support", 3),
    ]:
        page.check(f"#criterion-{code} input[value='{value}']")
        page.fill(f"#criterion-{code} textarea", f"{code}についての所見")
    page.click("#submit-scores")
    # Submitting asks first, naming what cannot be undone without an official.
    page.wait_for_selector("#confirm-dialog[open]")
    assert "担当官" in page.locator("#confirm-dialog [data-question]").inner_text()
    page.keyboard.press("Tab")  # from 「キャンセル」 to 「実行」, by the keyboard alone
    page.keyboard.press("Enter")
    page.wait_for_selector("#score-state")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_review_journey(page, live_server, tmp_path):
    InstitutionFactory(code="TLO-JOURNEY", name_ja="ジャーニーTLO")
    from institutions.models import Institution

    institution = Institution.objects.get(code="TLO-JOURNEY")
    staff_of(institution, username="journey-staff", first_name="担当 花子")
    official_of(Ministry.MEXT, username="mext-o", first_name="文科 担当官")
    official_of(Ministry.METI, username="meti-o", first_name="経産 担当官")
    reviewer_of(Ministry.MEXT, username="mext-r", first_name="文科 委員")
    reviewer_of(Ministry.METI, username="meti-r", first_name="経産 委員")

    # An official opens the cycle and assigns from the automatic proposal.
    _as(page, live_server, "mext-o")
    page.goto(f"{live_server.url}/reviews/new/")
    page.fill("#id_fiscal_year", "2010")
    page.click("#create-cycle")
    page.wait_for_selector("#current-stage")
    page.click("#link-assignments")
    page.click("#open-proposal")
    page.click("#apply-proposal")
    page.wait_for_selector("#workload-table")
    _stage(page, live_server, "open_statements")

    # TLO staff write the statement with an attachment.
    _as(page, live_server, "journey-staff")
    page.goto(f"{live_server.url}/reviews/2010/institutions/TLO-JOURNEY/statement/")
    page.fill("#id_regional_necessity", "県内唯一の技術移転機関である。")
    page.fill("#id_improvement_plan", "特許関係費を1割削減する。")
    page.fill("#id_support-0-provider", "県産業振興財団")
    page.fill("#id_support-0-amount", "12000000")
    page.click("#save-statement")
    page.wait_for_selector(".messages")
    page.set_input_files("#id_file", str(_docx(tmp_path / "計画書.docx")))
    page.click("#upload-attachment")
    page.wait_for_selector("#attachments a")
    statement = HearingStatement.objects.get(entry__institution=institution)
    assert statement.attachments.count() == 1
    assert statement.support_lines.get().amount == 12_000_000

    _as(page, live_server, "mext-o")
    _stage(page, live_server, "open_scoring")

    # Both ministries' reviewers score: 5 against 2 on regional necessity.
    _score(page, live_server, "mext-r", 5)
    _score(page, live_server, "meti-r", 2)
    assert "経産 委員" in page.content()  # after submitting, the other scores show

    # The deliberation shows the flag; both officials approve.
    _as(page, live_server, "mext-o")
    _stage(page, live_server, "start_deliberation")
    page.click("#link-deliberation")
    assert page.locator("#row-TLO-JOURNEY .badge.flag").count() == 1
    page.screenshot(path="/tmp/review-deliberation.png", full_page=True)
    page.goto(f"{live_server.url}/reviews/2010/institutions/TLO-JOURNEY/decision/")
    page.select_option("#id_tier", "standard")
    page.select_option("#id_recommendation", "continue")
    page.fill("#id_rationale", RATIONALE)
    page.click("#save-decision")
    page.click("#approve-decision")
    page.wait_for_selector(".messages")
    assert Decision.objects.get().state == DecisionState.APPROVED_BY_ONE

    _as(page, live_server, "meti-o")
    page.goto(f"{live_server.url}/reviews/2010/institutions/TLO-JOURNEY/")
    page.click("#approve-decision")
    page.wait_for_selector(".messages")
    assert Decision.objects.get().state == DecisionState.APPROVED
    _stage(page, live_server, "close_decisions")
    _stage(page, live_server, "publish")
    assert ReviewCycle.objects.get().stage == Stage.PUBLISHED

    # The staff see their decision and rationale, not the scores.
    _as(page, live_server, "journey-staff")
    page.goto(f"{live_server.url}/reviews/2010/institutions/TLO-JOURNEY/")
    assert page.locator("#decision-rationale").inner_text() == RATIONALE
    assert page.locator("#score-table").count() == 0
    page.screenshot(path="/tmp/review-staff.png", full_page=True)


def _scoring_world():
    """Twelve approved TLOs with five years of every metric; a cycle in scoring with one
    of them assigned to a METI reviewer."""
    import io as _io

    from django.core.management import call_command

    from institutions.models import Region
    from metrics.models import MetricDefinition, MetricValue
    from reviews.services import cycles
    from tests.reviews.conftest import assign, set_stage

    call_command("load_metric_definitions", stdout=_io.StringIO())
    region = Region.objects.get_or_create(
        code="kyushu", defaults={"name_ja": "九州・沖縄地区", "name_en": "Kyushu"}
    )[0]
    institutions = [
        InstitutionFactory(
            code=f"TLO-W{n:02d}", name_ja=f"くまもとテクノ産学財団{n}", region=region
        )
        for n in range(12)
    ]
    definitions = list(MetricDefinition.objects.all())
    MetricValue.objects.bulk_create(
        [
            MetricValue(
                definition=d,
                institution=institution,
                fiscal_year=year,
                value=-152_087_000.0 + 1_000_000 * n if d.unit == "yen" else 0.1 * (n + 1),
            )
            for d in definitions
            for n, institution in enumerate(institutions)
            for year in range(2006, 2011)
        ]
    )
    official = official_of(Ministry.MEXT, username="layout-o")
    reviewer = reviewer_of(Ministry.METI, username="layout-r", first_name="経産 委員")
    cycle = cycles.create_cycle(actor=official, fiscal_year=2010, institutions=institutions)
    assign(cycle.entries.get(institution=institutions[0]), reviewer)
    set_stage(cycle, Stage.SCORING)
    return institutions[0]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_scoring_page_reads_at_1280(page, live_server):
    """The figures run the full width below the form and the statement, year headers break
    only between 2010年度 and (平成22年度), and the page stays short enough to work in."""
    institution = _scoring_world()
    _as(page, live_server, "layout-r")
    page.goto(f"{live_server.url}/reviews/2010/institutions/{institution.code}/score/")
    table = page.locator("#metric-trends").bounding_box()
    assert table["width"] >= 1000
    layout = page.locator(".score-layout").bounding_box()
    assert table["y"] > layout["y"] + layout["height"]  # below, not beside, the form
    for part in page.locator("#metric-trends th.year .nowrap").all():
        box = part.bounding_box()
        assert box["height"] < 24, part.inner_text()  # one line each
    position = page.locator("#metric-trends td.position").first.inner_text()
    assert "位/" in position and "五分位" in position
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 5000
    page.screenshot(path="/tmp/review-scoring-layout.png", full_page=True)
