"""The report form, the import and the two-key approval with the keyboard alone
(JIS X 8341-3 / WCAG 2.1.1, 2.4.3, 2.4.7; issue 16).

Only Tab, Shift+Tab, Enter, Space and typing move through the pages (and the arrow keys
in a drop-down list, as a keyboard user chooses an option); every element that takes the
focus on the way must show the product's focus ring. The confirmation dialog takes the
focus, keeps it inside while open, and gives it back to the button that opened it.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from institutions.enums import Ministry
from metrics.enums import ReportState
from metrics.models import AnnualReport, LicenceAgreement
from metrics.services.reports import create_report
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.factories import InstitutionFactory, official_of, staff_of

# What the focused element is, and whether the focus shows (an outline of the product's
# own focus ring, or a box shadow).
FOCUSED = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) { return null; }
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return {
    id: e.id, tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '',
    text: (e.innerText || e.value || '').trim().slice(0, 40),
    ring: outline || (s.boxShadow && s.boxShadow !== 'none'),
    inDialog: !!e.closest('dialog[open]'),
  };
}
"""

MAX_TABS = 200


def _path(name: str, *args) -> str:
    with translation.override("ja"):
        return reverse(name, args=args)


def _focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, selector: str, *, back: bool = False) -> dict:
    """Press Tab (Shift+Tab with `back`) until the element matching `selector` has the
    focus; every element focused on the way must show a focus ring."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = _focused(page)
        if focused is None:
            continue
        assert focused["ring"], f"no visible focus on {focused}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return focused
    raise AssertionError(f"{selector} never took the focus with {'Shift+' if back else ''}Tab")


def _type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_report_form_with_a_licence_row_and_submission(page, live_server):
    institution = InstitutionFactory(code="TLO-KEYS", name_ja="キーボードTLO")
    staff = staff_of(institution, username="keys-staff")
    report = create_report(actor=staff, institution=institution, fiscal_year=2010)
    login(page, live_server, "keys-staff", PASSWORD)
    page.goto(live_server.url + _path("metrics:report_edit", report.pk))

    for code, value in (
        ("patent_applications", "12"),
        ("licences_granted", "1"),
        ("licence_income", "2500000"),
        ("personnel_costs", "5000000"),
        ("patent_costs", "800000"),
    ):
        _type_into(page, f"#id_{code}", value)

    # Add a licence row: the new row's first field takes the focus.
    tab_to(page, "#add-licence-row")
    rows_before = page.locator("#licence-rows tr").count()
    page.keyboard.press("Enter")
    assert page.locator("#licence-rows tr").count() == rows_before + 1
    focused = _focused(page)
    assert focused["name"].endswith("-reference"), focused
    new_row = focused["name"].removesuffix("-reference")
    page.keyboard.type("L-KEY-1")
    tab_to(page, f"[name='{new_row}-licensee_kind']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, f"[name='{new_row}-licensee_in_region']")
    page.keyboard.press("Space")
    tab_to(page, f"[name='{new_row}-income']")
    page.keyboard.type("2500000")

    # Shift+Tab goes back through the row, Tab forward again to Save.
    tab_to(page, f"[name='{new_row}-reference']", back=True)
    tab_to(page, "#save-report")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{_path('metrics:report_detail', report.pk)}")
    saved = AnnualReport.objects.get(pk=report.pk)
    assert (saved.licence_income, saved.patent_costs) == (2_500_000, 800_000)
    licence = LicenceAgreement.objects.get(report=report)
    assert (licence.reference, licence.income, licence.licensee_in_region) == (
        "L-KEY-1",
        2_500_000,
        True,
    )
    assert licence.licensee_kind != ""

    # Submit: the dialog takes the focus and keeps it; cancel gives it back.
    tab_to(page, "#submit-report")
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    assert _focused(page)["inDialog"]
    for _ in range(4):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused is None or focused["inDialog"], focused
    tab_to(page, "#confirm-cancel")
    page.keyboard.press("Enter")
    assert page.locator("#confirm-dialog[open]").count() == 0
    assert _focused(page)["id"] == "submit-report"
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.DRAFT

    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    tab_to(page, "#confirm-ok")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages .success")
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


CSV_TEXT = (
    "機関コード,年度,特許出願件数,ライセンス件数,ライセンス収入(千円),人件費,特許関係費\r\n"
    'TLO-KEYS,平成22年度,48,12,"12,345","30,000,000",0\r\n'
)


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_import_choose_preview_confirm(page, live_server):
    institution = InstitutionFactory(code="TLO-KEYS", name_ja="キーボードTLO")
    staff_of(institution, username="keys-staff")
    login(page, live_server, "keys-staff", PASSWORD)
    page.goto(live_server.url + _path("metrics:import_upload"))

    tab_to(page, "#import-upload input[type=file]")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "年度報告.csv", "mimeType": "text/csv", "buffer": CSV_TEXT.encode("cp932")}]
    )
    tab_to(page, "#import-upload button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#import-confirm button")
    assert "キーボードTLO" in page.locator("#import-rows").inner_text()
    assert AnnualReport.objects.count() == 0

    tab_to(page, "#import-confirm button[type=submit]")
    page.keyboard.press("Enter")
    if page.locator("#confirm-dialog[open]").count():
        tab_to(page, "#confirm-ok")
        page.keyboard.press("Enter")
    page.wait_for_selector("#import-applied")
    report = AnnualReport.objects.get(institution=institution, fiscal_year=2010)
    assert (report.licence_income, report.patent_applications) == (12_345_000, 48)


DEMO_PASSWORD = "keyboard-demo-password-1"


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_two_key_approval(page, live_server, monkeypatch):
    from django.core.management import call_command

    from core.versions import NEW
    from reviews.enums import DecisionState, Recommendation, SupportTier
    from reviews.models import CycleEntry, Decision
    from reviews.services import decisions

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("load_registry", verbosity=0)
    call_command("load_demo", verbosity=0)
    entry = CycleEntry.objects.get(cycle__fiscal_year=2010, institution__code="TLO-UTTLO")
    Decision.objects.filter(entry=entry).delete()
    mext = official_of(Ministry.MEXT, username="keys-mext")
    decisions.save_decision(
        actor=mext,
        entry=entry,
        tier=SupportTier.STANDARD,
        recommendation=Recommendation.CONTINUE,
        merge_partner=None,
        rationale="キーボードで承認する。",
        expected_version=NEW,
    )
    url = live_server.url + _path("reviews:entry", 2010, "TLO-UTTLO")

    for username, state in (
        ("mext-official", DecisionState.APPROVED_BY_ONE),
        ("meti-official", DecisionState.APPROVED),
    ):
        page.context.clear_cookies()
        login(page, live_server, username, DEMO_PASSWORD)
        page.goto(url)
        tab_to(page, "#approve-decision")
        page.keyboard.press("Enter")
        if page.locator("#confirm-dialog[open]").count():
            tab_to(page, "#confirm-ok")
            page.keyboard.press("Enter")
        page.wait_for_selector(".messages")
        assert Decision.objects.get(entry=entry).state == state, username
    assert sorted(
        Decision.objects.get(entry=entry).approvals.values_list("official__username", flat=True)
    ) == ["meti-official", "mext-official"]
