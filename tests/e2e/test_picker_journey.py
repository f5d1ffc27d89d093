"""Picking institutions, in Chromium: a scenario's members filtered as one types (a
ticked one stays), a collection round ticked by region and type in the page, and an
import whose header and cell problems show together, then applied with links to its
reports. Screenshots at 1280 px go to test-results/."""

from pathlib import Path

import pytest
from django.core.management import call_command

from metrics.models import AnnualReport
from tests.e2e.conftest import login

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results"
PASSWORD = "picker-demo-password-1"

BAD_CSV = "機関コード,年度,特許出願件数,備考欄\r\nTLO-UTTLO,平成22年度,abc,x\r\n"
GOOD_CSV = "機関コード,年度,特許出願件数\r\nTLO-UTTLO,平成15年度,41\r\n"


def _screenshot(page, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / name), full_page=True)


def _upload(page, base: str, text: str) -> None:
    page.goto(f"{base}/metrics/imports/")
    page.set_input_files(
        "#import-upload input[type=file]",
        files=[{"name": "年度報告.csv", "mimeType": "text/csv", "buffer": text.encode("cp932")}],
    )
    page.click("#import-upload button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_pickers_in_the_browser(page, live_server, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_registry", verbosity=0)
    call_command("load_demo", verbosity=0)
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "mext-official", PASSWORD)

    # Scenario members: typed search filters in the page, a ticked member stays shown.
    page.goto(f"{base}/reviews/2009/scenarios/")
    members = page.locator("#scenario-members label[data-search]")
    total = members.count()
    page.fill("#member-q", "カンサイ")
    visible = [
        t.strip()
        for t in page.locator("#scenario-members label[data-search]:visible").all_inner_texts()
    ]
    assert len(visible) == 1 and visible[0].startswith("関西ティー・エル・オー"), visible
    page.locator("#scenario-members label[data-search]:visible input").check()
    page.fill("#member-q", "とうきょう")
    page.keyboard.press("Enter")  # the search form: filtered in the page, no reload
    assert "q=" not in page.url
    visible = page.locator("#scenario-members label[data-search]:visible").all_inner_texts()
    visible = [v.strip() for v in visible]
    assert any(v.startswith("関西ティー・エル・オー") for v in visible)
    assert any(v.startswith("東京大学TLO") for v in visible)
    assert 1 < len(visible) < total
    _screenshot(page, "scenario_member_search.png")

    # Collection round: untick all, then tick the wide-area TLOs of 近畿 in the page.
    page.goto(f"{base}/metrics/rounds/new/")
    page.locator("#expected-institutions > .tick-tools button[data-tick=none]").click()
    page.select_option("#id_pick_region", "kinki")
    page.select_option("#id_pick_group", "external_wide_area")
    page.click("#pick-add")
    ticked = page.eval_on_selector_all(
        "#expected-institutions input[name=expected]:checked",
        "els => els.map(e => [e.dataset.region, e.dataset.group])",
    )
    assert ticked and all(t == ["kinki", "external_wide_area"] for t in ticked), ticked
    assert page.inner_text("#chosen-count") == f"選択中:{len(ticked)}機関"
    assert page.url.endswith("/metrics/rounds/new/")  # nothing posted
    _screenshot(page, "round_pick_by_region_and_type.png")

    # Lists read in 読み順: the registry (within kind and region) and the status page.
    page.goto(f"{base}/institutions/?kind=approved_tlo&region=kanto")
    _screenshot(page, "institution_list_reading_order.png")
    page.goto(f"{base}/metrics/status/")
    _screenshot(page, "collection_status_reading_order.png")
    page.goto(f"{base}/institutions/upload/")
    assert "name_kana" in page.inner_text("main")
    _screenshot(page, "registry_upload_columns.png")

    # Import as the TLO's staff: the header's and the cells' problems together.
    page.context.clear_cookies()
    login(page, live_server, "tlo-utokyo", PASSWORD)
    _upload(page, base, BAD_CSV)
    page.wait_for_selector("#import-rows")
    text = page.inner_text("main")
    assert "「備考欄」は年度報告の項目ではありません" in text
    assert "「abc」は数値ではありません" in text
    _screenshot(page, "import_header_and_cell_problems.png")

    # A correct file, confirmed: the page links to the report it wrote.
    _upload(page, base, GOOD_CSV)
    page.wait_for_selector("#import-confirm")
    page.click("#import-confirm button[type=submit]")
    page.wait_for_selector("#import-applied")
    report = AnnualReport.objects.get(institution__code="TLO-UTTLO", fiscal_year=2003)
    page.click(f"#import-rows a[href='/metrics/reports/{report.pk}/']")
    page.wait_for_url(f"{base}/metrics/reports/{report.pk}/")
    page.go_back()
    _screenshot(page, "import_applied_links.png")
    assert errors == []
