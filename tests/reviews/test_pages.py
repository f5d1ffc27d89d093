"""How the review pages read: the settings' institution list, the scoring page's layout
and compact positions, names in the reader's language, the staff's calendar event, the
deliberation's weight sensitivity, small peer groups withheld."""

import datetime

import pytest
from django.utils import translation
from icalendar import Calendar

from core.versions import NEW
from institutions.enums import InstitutionKind, InstitutionStatus
from metrics.models import MetricDefinition, MetricValue
from reviews import sheets
from reviews.enums import Stage
from reviews.models import Assignment
from reviews.services import hearings
from tests.factories import InstitutionFactory

from .conftest import score_all, set_stage

A = "/reviews/2010/institutions/TLO-AAA/"


def test_settings_group_institutions_by_kind_and_region_without_revoked_ones(
    cycle, mext_official, client_for
):
    InstitutionFactory(code="TLO-GONE", name_ja="廃止TLO", status=InstitutionStatus.REVOKED)
    InstitutionFactory(
        code="CERT-1", name_ja="認定TLO一", kind=InstitutionKind.CERTIFIED_TLO, tlo_type=""
    )
    response = client_for(mext_official).get("/reviews/2010/settings/")
    body = response.content.decode()
    assert "TLO-GONE" not in body
    kinds = [group["kind"] for group in response.context["institutions_form"].groups()]
    assert kinds == ["承認TLO", "認定TLO"]
    approved = response.context["institutions_form"].groups()[0]
    assert (approved["chosen"], approved["total"], approved["open"]) == (2, 2, True)
    assert "2機関中2機関を選択" in body


def test_scoring_page_keeps_the_figures_out_of_the_form_column(
    scoring, institution_a, mext_reviewer, client_for
):
    MetricValue.objects.create(
        definition=MetricDefinition.objects.get(code="licence_rate"),
        institution=institution_a,
        fiscal_year=2010,
        value=0.5,
    )
    body = client_for(mext_reviewer).get(A + "score/").content.decode()
    layout = body.index('class="score-layout"')
    material = body.index('id="material"')
    form_end = body.index("</aside>")
    assert layout < form_end < material
    assert (
        '<span class="nowrap">2010年度</span><wbr><span class="nowrap">(平成22年度)</span>' in body
    )


def test_positions_are_compact_and_small_groups_withheld(
    scoring, institution_a, institution_b, mext_reviewer, mext_official, client_for
):
    definition = MetricDefinition.objects.get(code="return_on_cost")
    for institution, value in ((institution_a, 0.8), (institution_b, 0.4)):
        MetricValue.objects.create(
            definition=definition, institution=institution, fiscal_year=2010, value=value
        )
    for n in range(2):
        MetricValue.objects.create(
            definition=definition,
            institution=InstitutionFactory(region=institution_a.region),
            fiscal_year=2010,
            value=0.1 * n,
        )
    reviewer_page = client_for(mext_reviewer).get(A + "score/")
    trend = next(t for t in reviewer_page.context["material"].trends if t.definition == definition)
    assert [(p.rank, p.size, p.quintile) for p in trend.positions] == [
        (1, 4, 2),  # among approved TLOs
        (1, 4, 2),  # in the region
        (1, 4, 2),  # of the type
    ]
    assert "1位/4" in reviewer_page.content.decode()
    assert "第2五分位" in reviewer_page.content.decode()
    MetricValue.objects.filter(institution__code__startswith="TLO-TEST").delete()
    MetricValue.objects.filter(institution=institution_b).delete()
    withheld = client_for(mext_reviewer).get(A + "score/")
    trend = next(t for t in withheld.context["material"].trends if t.definition == definition)
    assert all(p.withheld for p in trend.positions)  # one institution: would name itself
    official = client_for(mext_official).get(A)
    trend = next(t for t in official.context["material"].trends if t.definition == definition)
    assert [p.withheld for p in trend.positions] == [False, False, False]


def test_english_pages_name_institutions_in_english(scoring, mext_reviewer, client_for):
    body = client_for(mext_reviewer).get("/en/reviews/2010/").content.decode()
    assert "Institution A" in body and "機関A" not in body


def test_staff_calendar_event_names_no_attendee(
    assigned, entry_a, mext_official, mext_reviewer, staff_a, client_for
):
    mext_reviewer.email = "reviewer@example.jp"
    mext_reviewer.save()
    hearings.schedule_hearing(
        actor=mext_official,
        entry=entry_a,
        date=datetime.date(2011, 1, 20),
        starts_at=datetime.time(10),
        ends_at=datetime.time(11),
        place="会議室",
        online_url="",
        attendees=[mext_reviewer],
        expected_version=NEW,
    )
    staff_ics = client_for(staff_a).get(A + "hearing.ics").content
    official_ics = client_for(mext_official).get(A + "hearing.ics").content
    assert b"reviewer@example.jp" not in staff_ics
    assert b"reviewer@example.jp" in official_ics
    event = Calendar.from_ical(staff_ics).walk("VEVENT")[0]
    assert "attendee" not in event
    from notifications.models import Notification

    to_staff = Notification.objects.get(recipient=staff_a)
    assert "reviewer@example.jp" not in to_staff.attachments[0]["content"]


def test_deliberation_shows_each_institutions_move(
    scoring, entry_a, entry_b, mext_reviewer, meti_reviewer, mext_official, client_for
):
    from .conftest import assign

    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), [5, 1, 3, 3])
    score_all(assign(entry_b, mext_reviewer), [1, 5, 3, 3])
    response = client_for(mext_official).get("/reviews/2010/deliberation/")
    rows = response.context["data"].sensitivity_rows
    assert [(r.entry, r.rank) for r in rows] == [(entry_a, 1), (entry_b, 2)]
    # Weighing model activity up keeps A first; weighing regional necessity up lifts B.
    assert rows[1].moves[2] == 1 and rows[0].moves[2] == -1
    assert "↑1" in response.content.decode()


@pytest.mark.parametrize("stage", [Stage.PLANNING, Stage.PUBLISHED])
def test_pages_list_what_the_staff_may_do_and_hide_empty_tool_bars(
    assigned, staff_a, client_for, stage
):
    set_stage(assigned, stage)
    body = client_for(staff_a).get(A).content.decode()
    assert 'class="page-links"' not in body
    assert 'id="stage-note"' in body


def test_withdrawn_scores_are_shown_struck_through_and_left_out_of_the_means(
    scoring, entry_a, conflicted_reviewer, meti_reviewer, mext_official, client_for
):
    from reviews.enums import ConflictKind
    from reviews.services import conflicts

    score_all(Assignment.objects.get(entry=entry_a, reviewer=conflicted_reviewer), 1)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 5)
    conflicts.declare_conflict(
        actor=conflicted_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="株式"
    )
    response = client_for(mext_official).get(A)
    table = response.context["score_table"]
    states = {c.reviewer: c.state for c in table.columns}
    assert states[conflicted_reviewer] == "withdrawn"
    assert table.result.criteria["model_activity"].meti_mean == 5.0
    assert response.content.decode().count('class="num withdrawn"') == 4


@pytest.mark.parametrize(
    ("typed", "year"), [("平成23年度", 2011), ("H23", 2011), ("２０１１", 2011)]
)
def test_a_cycle_starts_from_the_year_as_officials_write_it(
    db, mext_official, client_for, typed, year
):
    from reviews.models import ReviewCycle

    response = client_for(mext_official).post("/reviews/new/", {"fiscal_year": typed})
    assert response.status_code == 302
    assert ReviewCycle.objects.get().fiscal_year == year


@pytest.mark.parametrize("typed", ["来年", "9" * 5000, "2010\x00", "R99"])
def test_a_cycle_year_that_is_not_one_is_refused(cycle, mext_official, client_for, typed):
    from reviews.models import ReviewCycle

    response = client_for(mext_official).post("/reviews/new/", {"fiscal_year": typed})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert ReviewCycle.objects.count() == 1


def test_new_cycle_form_suggests_the_year_after_the_latest(cycle, mext_official, client_for):
    response = client_for(mext_official).get("/reviews/new/")
    assert response.context["form"]["fiscal_year"].value() == 2011


@pytest.mark.parametrize(("threshold", "withheld"), [(3, False), (4, True)])
def test_hearing_sheet_withholds_positions_by_the_small_group_setting(
    settings, scoring, entry_a, institution_a, mext_reviewer, threshold, withheld
):
    settings.SMALL_GROUP_THRESHOLD = threshold
    definition = MetricDefinition.objects.get(code="return_on_cost")
    MetricValue.objects.create(
        definition=definition, institution=institution_a, fiscal_year=2010, value=0.8
    )
    # Four institutions in every peer group: the reviewer knows the one assigned to them,
    # so three others stand behind each position (issue #14: someone inside the group).
    for n in range(3):
        MetricValue.objects.create(
            definition=definition,
            institution=InstitutionFactory(region=institution_a.region),
            fiscal_year=2010,
            value=0.1 * n,
        )
    with translation.override("ja"):
        sections = sheets.hearing_sheet(entry_a, user=mext_reviewer)
    trends = next(s for s in sections if s.title == "指標の推移")
    row = next(r for r in trends.rows if r[0] == definition.name)
    positions = row[-3:]
    assert (positions == ["非表示"] * 3) is withheld
    assert all(p.startswith("1位/4") for p in positions) is not withheld
