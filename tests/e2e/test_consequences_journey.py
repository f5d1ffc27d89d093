"""From a decision to its consequences in the real Chromium (issue 17).

A MEXT official builds a merger scenario of two TLOs, drafts the merger decision and links
it to the scenario; a METI official approves it too; the MEXT official allocates the
budget, both ministries approve the allocation (two different people); once the cycle is
published, the TLO's staff find their amount from their review page, and never before.
Buttons and fields are found by their ids or labels; effects are checked in the database.
"""

import io
import re

import pytest
from django.core.management import call_command

from institutions.enums import Ministry
from reviews.enums import AllocationState, DecisionState, Recommendation, Stage, SupportTier
from reviews.models import Allocation, ConsolidationScenario, Decision, ReviewCycle
from reviews.services import cycles
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.factories import (
    InstitutionFactory,
    RegionFactory,
    official_of,
    reviewer_of,
    staff_of,
)
from tests.metrics.metric_builders import accepted_report
from tests.reviews.conftest import assign, score_all, set_stage

RATIONALE = "隣接する二機関の統合により、特許関係費を共通化できる。"


def _as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _field(page, label):
    """The form control labelled `label` (Django's label tags end with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


UNLABELLED = """() => {
  const problems = [];
  for (const el of document.querySelectorAll(
      'main input:not([type=hidden]), main select, main textarea')) {
    const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`))
      || el.closest('label') || el.getAttribute('aria-label');
    if (!labelled) problems.push(el.name);
  }
  for (const table of document.querySelectorAll('main table')) {
    if (!table.querySelector('th')) problems.push('table ' + table.id);
  }
  return problems;
}"""


def _accessible(page):
    """Every form control has a label and every table header cells (JIS X 8341-3)."""
    assert page.evaluate(UNLABELLED) == [], page.url


def _stage(page, live_server, action):
    page.goto(f"{live_server.url}/reviews/2010/")
    page.click(f"#stage-{action}")
    page.wait_for_selector(".messages")


def _world():
    """Three approved TLOs of one region with accepted reports for FY2010; a cycle in
    deliberation where two of them already have approved decisions and the third
    (TLO-KITA), scored by a reviewer of each ministry, has none yet."""
    call_command("load_metric_definitions", stdout=io.StringIO())
    region = RegionFactory(code="kyushu", name_ja="九州・沖縄地区")
    kita = InstitutionFactory(code="TLO-KITA", name_ja="北テクノ財団", region=region)
    minami = InstitutionFactory(code="TLO-MINAMI", name_ja="南産学機構", region=region)
    nishi = InstitutionFactory(code="TLO-NISHI", name_ja="西技術移転", region=region)
    for institution, income in [(kita, 30_000_000), (minami, 10_000_000), (nishi, 5_000_000)]:
        accepted_report(
            institution,
            2010,
            licence_income=income,
            personnel_costs=20_000_000,
            patent_costs=10_000_000,
        )
    official = official_of(Ministry.MEXT, username="mext-o", first_name="文科 担当官")
    official_of(Ministry.METI, username="meti-o", first_name="経産 担当官")
    cycle = cycles.create_cycle(
        actor=official, fiscal_year=2010, institutions=[kita, minami, nishi]
    )
    # Reviewers of both ministries have scored TLO-KITA (the quorum for its approval).
    set_stage(cycle, Stage.SCORING)
    entry = cycle.entries.get(institution=kita)
    for ministry, username in [(Ministry.MEXT, "mext-r"), (Ministry.METI, "meti-r")]:
        score_all(assign(entry, reviewer_of(ministry, username=username)), 4)
    set_stage(cycle, Stage.DELIBERATION)
    for institution, tier in [(minami, SupportTier.STANDARD), (nishi, SupportTier.CONDITIONAL)]:
        Decision.objects.create(
            entry=cycle.entries.get(institution=institution),
            tier=tier,
            recommendation=Recommendation.CONTINUE,
            rationale="理由",
            state=DecisionState.APPROVED,
        )
    staff_of(kita, username="kita-staff", first_name="北 花子")
    staff_of(minami, username="minami-staff", first_name="南 太郎")
    return kita, minami


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_consequences_journey(page, live_server):
    kita, minami = _world()
    base = live_server.url

    # The MEXT official builds a merger scenario from the cycle's page.
    _as(page, live_server, "mext-o")
    page.goto(f"{base}/reviews/2010/")
    page.click("#link-scenarios")
    _field(page, "名称").fill("北・南の統合")
    _field(page, "種別").select_option(label="統合・合併")
    page.get_by_label("北テクノ財団", exact=True).check()
    page.get_by_label("南産学機構", exact=True).check()
    _field(page, "存続機関").select_option(str(kita.pk))
    _accessible(page)
    page.click("#save-scenario")
    page.wait_for_selector("#scenario-metrics")
    _accessible(page)
    scenario = ConsolidationScenario.objects.get()
    assert scenario.name == "北・南の統合"
    assert sorted(m.institution.code for m in scenario.members.all()) == [
        "TLO-KITA",
        "TLO-MINAMI",
    ]
    # Return on cost in FY2010: members 30/30 and 10/30; combined (30 + 10) / (30 + 30).
    combined = page.locator("#scenario-metrics tr.combined").first
    assert combined.locator("td").last.inner_text() == "66.7%"
    assert "2006年度(平成18年度)" in page.locator("#scenario-notes").inner_text()

    # The official drafts the merger decision, links the scenario, approves for MEXT.
    page.goto(f"{base}/reviews/2010/institutions/TLO-KITA/")
    page.click("#edit-decision")
    page.select_option("#id_tier", SupportTier.PRIORITISED)
    page.select_option("#id_recommendation", "merge")
    page.select_option("#id_merge_partner", str(minami.pk))
    page.fill("#id_rationale", RATIONALE)
    page.click("#save-decision")
    page.goto(f"{base}/reviews/2010/institutions/TLO-KITA/")
    page.select_option("#link-scenario-choice", label="北・南の統合")
    page.click("#link-scenario")
    page.wait_for_selector("#decision-scenario")
    assert page.locator("#decision-scenario").inner_text() == "北・南の統合"
    page.click("#approve-decision")
    page.wait_for_selector(".messages")
    decision = Decision.objects.get(entry__institution=kita)
    assert decision.state == DecisionState.APPROVED_BY_ONE
    assert decision.scenario_link.scenario == scenario

    # The METI official approves the decision: every institution is now decided.
    _as(page, live_server, "meti-o")
    page.goto(f"{base}/reviews/2010/institutions/TLO-KITA/")
    page.click("#approve-decision")
    page.wait_for_selector(".messages")
    assert Decision.objects.get(entry__institution=kita).state == DecisionState.APPROVED

    # The MEXT official allocates 1億円 with the default weights (3, 2, 1) and approves.
    _as(page, live_server, "mext-o")
    page.goto(f"{base}/reviews/2010/")
    page.click("#link-allocation")
    _field(page, "予算").fill("1億円")
    _accessible(page)
    page.click("#save-allocation")
    page.wait_for_selector("#allocation-lines")
    _accessible(page)  # with the adjustment forms
    amounts = {
        line.institution.code: line.amount_yen for line in Allocation.objects.get().lines.all()
    }
    # 100,000千円 in the proportion 3 : 2 : 1; the odd 千円 goes to the largest remainder.
    assert amounts == {"TLO-KITA": 50_000_000, "TLO-MINAMI": 33_333_000, "TLO-NISHI": 16_667_000}
    page.click("#approve-allocation")
    page.wait_for_selector(".messages")
    assert Allocation.objects.get().state == AllocationState.APPROVED_BY_ONE
    # The same official cannot give the second key.
    assert page.locator("#approve-allocation").count() == 0

    # The METI official gives the second key and closes the decisions.
    _as(page, live_server, "meti-o")
    page.goto(f"{base}/reviews/2010/allocation/")
    page.click("#approve-allocation")
    page.wait_for_selector(".messages")
    assert Allocation.objects.get().state == AllocationState.APPROVED
    assert page.locator("#allocation-state").inner_text() == "両省承認済み"
    _stage(page, live_server, "close_decisions")

    # Decided and approved, but not yet published: the staff find no amount.
    _as(page, live_server, "kita-staff")
    page.goto(f"{base}/reviews/2010/institutions/TLO-KITA/")
    assert page.locator("#link-own-amount").count() == 0
    response = page.goto(f"{base}/reviews/2010/institutions/TLO-KITA/allocation/")
    assert response.status == 403

    _as(page, live_server, "meti-o")
    _stage(page, live_server, "publish")
    assert ReviewCycle.objects.get().stage == Stage.PUBLISHED

    # The staff follow the link from their review page to their own amount.
    _as(page, live_server, "kita-staff")
    page.goto(f"{base}/reviews/2010/institutions/TLO-KITA/")
    page.click("#link-own-amount")
    page.wait_for_selector("#own-amount")
    _accessible(page)
    assert "50,000" in page.locator("#own-amount-value").inner_text()
    assert "33,333" not in page.content()  # nobody else's amount
    page.screenshot(path="/tmp/h-journey17-shots/journey-staff-amount.png", full_page=True)

    # Another institution's page is not theirs to read.
    response = page.goto(f"{base}/reviews/2010/institutions/TLO-MINAMI/allocation/")
    assert response.status in (403, 404)
