"""A conflict of interest belongs to one cycle: declaring one now never changes a cycle
already decided or published — its aggregates, its decisions, its results table."""

import pytest
from django.core.exceptions import PermissionDenied

from core.versions import NEW
from institutions.enums import InstitutionKind, Ministry
from institutions.models import Partnership
from reviews.enums import (
    ConflictAction,
    ConflictKind,
    ConflictState,
    DecisionState,
    Recommendation,
    Stage,
    SupportTier,
)
from reviews.errors import ReviewError
from reviews.models import Assignment, Conflict, Decision
from reviews.selectors.aggregates import quorum_of, results_for
from reviews.services import assignments, conflicts, cycles, decisions
from reviews.sheets import result_table
from tests.factories import InstitutionFactory

from .conftest import assign, score_all, set_stage


@pytest.fixture
def published_2009(institution_a, institution_b, mext_official, meti_official, mext_reviewer):
    """A FY2009 cycle, published: mext_reviewer and a METI reviewer scored institution A,
    both ministries approved its decision."""
    from tests.factories import reviewer_of

    cycle = cycles.create_cycle(
        actor=mext_official, fiscal_year=2009, institutions=[institution_a, institution_b]
    )
    entry = cycle.entries.get(institution=institution_a)
    meti = reviewer_of(Ministry.METI, username="meti-2009")
    set_stage(cycle, Stage.SCORING)
    score_all(assign(entry, mext_reviewer), 5)
    score_all(assign(entry, meti), 3)
    set_stage(cycle, Stage.DELIBERATION)
    decision = decisions.save_decision(
        actor=mext_official,
        entry=entry,
        tier=SupportTier.STANDARD,
        recommendation=Recommendation.CONTINUE,
        rationale="継続",
        merge_partner=None,
        expected_version=NEW,
    )
    decision = decisions.approve_decision(
        actor=mext_official, decision=decision, expected_version=decision.version
    )
    decisions.approve_decision(
        actor=meti_official, decision=decision, expected_version=decision.version
    )
    return set_stage(cycle, Stage.PUBLISHED)


def _state(cycle, official):
    entry = cycle.entries.get(institution__code="TLO-AAA")
    return (
        results_for(user=official, cycle=cycle),
        quorum_of(entry),
        list(Decision.objects.filter(entry__cycle=cycle).values_list("state", "version")),
        result_table(user=official, cycle=cycle),
    )


def test_declaring_in_the_current_cycle_leaves_a_published_cycle_as_it_was(
    published_2009, scoring, entry_a, mext_reviewer, mext_official, client_for
):
    before = _state(published_2009, mext_official)
    assert (
        before[0][published_2009.entries.get(institution__code="TLO-AAA").pk]
        .criteria["model_activity"]
        .joint
        == 4.0
    )

    response = client_for(mext_reviewer).post(
        "/reviews/2010/conflicts/",
        {"entry": entry_a.pk, "kind": ConflictKind.FINANCIAL, "reason": "株式を取得した"},
    )

    assert response.status_code == 302
    assert Conflict.objects.get(person=mext_reviewer).entry == entry_a
    assert _state(published_2009, mext_official) == before
    decision = Decision.objects.get(entry__cycle=published_2009)
    assert decision.state == DecisionState.APPROVED


def test_conflicts_cannot_be_declared_or_changed_once_decided(
    published_2009, mext_reviewer, mext_official, client_for
):
    entry = published_2009.entries.get(institution__code="TLO-AAA")
    with pytest.raises(ReviewError):
        conflicts.declare_conflict(
            actor=mext_reviewer, entry=entry, kind=ConflictKind.OTHER, reason="後から"
        )
    response = client_for(mext_reviewer).post(
        "/reviews/2009/conflicts/",
        {"entry": entry.pk, "kind": ConflictKind.OTHER, "reason": "後から"},
    )
    assert response.status_code == 302
    assert not Conflict.objects.exists()
    page = client_for(mext_reviewer).get("/reviews/2009/conflicts/").content.decode()
    assert 'id="conflicts-closed"' in page and 'id="conflict-form"' not in page


def test_a_conflict_in_a_decided_cycle_cannot_be_withdrawn_to_bring_scores_back(
    scoring, entry_a, conflicted_reviewer, meti_reviewer, mext_official
):
    score_all(Assignment.objects.get(entry=entry_a, reviewer=conflicted_reviewer), 1)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 5)
    conflict = conflicts.declare_conflict(
        actor=conflicted_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    set_stage(scoring, Stage.DECIDED)
    before = results_for(user=mext_official, cycle=scoring)
    with pytest.raises(ReviewError):
        conflicts.act_on_conflict(
            actor=conflicted_reviewer, conflict=conflict, action=ConflictAction.WITHDRAW
        )
    with pytest.raises(ReviewError):
        conflicts.act_on_conflict(
            actor=mext_official, conflict=conflict, action=ConflictAction.DISMISS, reason="誤り"
        )
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.DECLARED
    assert results_for(user=mext_official, cycle=scoring) == before


def test_affiliation_proposes_only_in_cycles_still_open(
    published_2009, cycle, institution_a, mext_reviewer, mext_official
):
    university = InstitutionFactory(kind=InstitutionKind.UNIVERSITY, tlo_type="", code="UNIV-Y")
    Partnership.objects.create(tlo=institution_a, university=university)
    before = _state(published_2009, mext_official)
    conflicts.add_affiliation(actor=mext_official, person=mext_reviewer, institution=university)
    proposed = Conflict.objects.filter(person=mext_reviewer)
    assert [c.entry.cycle.fiscal_year for c in proposed] == [2010]
    assert proposed.get().state == ConflictState.PROPOSED
    assert _state(published_2009, mext_official) == before


def test_a_conflict_in_one_cycle_does_not_block_another(
    published_2009, cycle, entry_a, mext_reviewer, mext_official, institution_a
):
    """mext_reviewer scored A in 2009; a conflict declared in 2010 blocks 2010 only."""
    conflicts.declare_conflict(
        actor=mext_reviewer, entry=entry_a, kind=ConflictKind.PERSONAL, reason="親族が就職"
    )
    with pytest.raises(ReviewError):
        assignments.assign_reviewers(
            actor=mext_official, cycle=cycle, pairs=[(entry_a, mext_reviewer)]
        )
    old = published_2009.entries.get(institution=institution_a)
    assert Assignment.objects.filter(entry=old, reviewer=mext_reviewer).unconflicted().exists()


def test_a_new_cycle_proposes_what_the_last_one_knew(
    cycle, entry_a, institution_a, institution_b, mext_reviewer, mext_official
):
    conflicts.declare_conflict(
        actor=mext_reviewer, entry=entry_a, kind=ConflictKind.FINANCIAL, reason="株式保有"
    )
    later = cycles.create_cycle(
        actor=mext_official, fiscal_year=2011, institutions=[institution_a, institution_b]
    )
    carried = Conflict.objects.get(entry__cycle=later)
    assert (carried.person, carried.entry.institution) == (mext_reviewer, institution_a)
    assert carried.state == ConflictState.PROPOSED  # active until someone decides
    assert carried.kind == ConflictKind.FINANCIAL
    assert "株式保有" in carried.reason and "2010年度" in carried.reason


def test_a_reviewer_who_changes_ministry_leaves_published_means_alone(
    published_2009, mext_reviewer, mext_official
):
    before = _state(published_2009, mext_official)
    mext_reviewer.ministry = Ministry.METI
    mext_reviewer.save()
    assert _state(published_2009, mext_official) == before


def test_assignment_records_the_reviewers_ministry(cycle, entry_a, meti_reviewer, mext_official):
    (made,) = assignments.assign_reviewers(
        actor=mext_official, cycle=cycle, pairs=[(entry_a, meti_reviewer)]
    )
    assert made.ministry == Ministry.METI


def test_officials_conflict_counts_in_its_cycle_only(
    published_2009, scoring, entry_a, meti_official
):
    conflicts.declare_conflict(
        actor=meti_official, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    set_stage(scoring, Stage.DELIBERATION)
    with pytest.raises(PermissionDenied):
        decisions.save_decision(
            actor=meti_official,
            entry=entry_a,
            tier=SupportTier.NONE,
            recommendation=Recommendation.CONTINUE,
            merge_partner=None,
            rationale="x",
            expected_version=NEW,
        )
    assert Conflict.objects.get(person=meti_official).entry.cycle.fiscal_year == 2010
