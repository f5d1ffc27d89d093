"""Conflicts before and after assignment, proposals from affiliations, assigning."""

import pytest
from django.core.exceptions import PermissionDenied

from core.workflow import WorkflowError
from institutions.enums import InstitutionKind, Ministry
from institutions.models import Partnership
from metrics.enums import ReportState
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from reviews.enums import ConflictAction, ConflictKind, ConflictState
from reviews.errors import ReviewError
from reviews.models import Assignment, Conflict, Score
from reviews.selectors.aggregates import results_for
from reviews.selectors.pages import assignment_proposal
from reviews.selectors.reports import material_reports
from reviews.services import assignments, conflicts
from tests.factories import AnnualReportFactory, InstitutionFactory, reviewer_of

from .conftest import score_all


def test_conflicted_reviewer_cannot_be_assigned(
    cycle, entry_b, conflicted_reviewer, mext_official, institution_b
):
    conflicts.declare_conflict(
        actor=conflicted_reviewer,
        entry=entry_b,
        kind=ConflictKind.PERSONAL,
        reason="親族",
    )
    with pytest.raises(ReviewError):
        assignments.assign_reviewers(
            actor=mext_official, cycle=cycle, pairs=[(entry_b, conflicted_reviewer)]
        )
    assert not Assignment.objects.filter(entry=entry_b).exists()


def test_assignment_all_or_nothing(
    cycle, entry_a, entry_b, mext_reviewer, conflicted_reviewer, mext_official, institution_b
):
    conflicts.declare_conflict(
        actor=conflicted_reviewer, entry=entry_b, kind=ConflictKind.OTHER, reason="x"
    )
    with pytest.raises(ReviewError):
        assignments.assign_reviewers(
            actor=mext_official,
            cycle=cycle,
            pairs=[(entry_a, mext_reviewer), (entry_b, conflicted_reviewer)],
        )
    assert Assignment.objects.count() == 0


def test_assignment_stages_a_message_in_the_outbox(cycle, entry_a, mext_reviewer, mext_official):
    assignments.assign_reviewers(actor=mext_official, cycle=cycle, pairs=[(entry_a, mext_reviewer)])
    message = Notification.objects.get(kind=NotificationKind.REVIEW_ASSIGNED)
    assert message.recipient == mext_reviewer
    assert message.state == NotificationState.STAGED


def test_only_officials_assign(cycle, entry_a, mext_reviewer, meti_reviewer):
    with pytest.raises(PermissionDenied):
        assignments.assign_reviewers(
            actor=meti_reviewer, cycle=cycle, pairs=[(entry_a, mext_reviewer)]
        )


def test_conflict_after_assignment_removes_access_and_withdraws_scores(
    scoring, entry_a, conflicted_reviewer, meti_reviewer, mext_official, client_for, institution_a
):
    mine = score_all(Assignment.objects.get(entry=entry_a, reviewer=conflicted_reviewer), 1)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 3)
    before = results_for(user=mext_official, cycle=scoring)[entry_a.pk]
    assert before.criteria["model_activity"].meti_mean == 2.0
    client = client_for(conflicted_reviewer)
    assert client.get("/reviews/2010/institutions/TLO-AAA/").status_code == 200

    conflicts.declare_conflict(
        actor=conflicted_reviewer,
        entry=entry_a,
        kind=ConflictKind.FINANCIAL,
        reason="株式保有",
    )

    assert client.get("/reviews/2010/institutions/TLO-AAA/").status_code == 403
    assert client.get("/reviews/2010/institutions/TLO-AAA/score/").status_code == 403
    after = results_for(user=mext_official, cycle=scoring)[entry_a.pk]
    assert after.criteria["model_activity"].meti_mean == 3.0
    # Kept in the history and in the officials' view, marked withdrawn.
    assert Score.objects.filter(assignment=mine).count() == 4
    assert all(s.withdrawn for s in Score.objects.filter(assignment=mine).with_withdrawn_flag())
    message = Notification.objects.get(kind=NotificationKind.CONFLICT_DECLARED)
    assert message.state == NotificationState.STAGED
    assert message.recipient.is_official


REPORT_2009 = "/reviews/2010/institutions/TLO-AAA/reports/2009/"


def test_conflict_after_assignment_also_removes_report_access(
    scoring, entry_a, conflicted_reviewer, institution_a, client_for
):

    AnnualReportFactory(institution=institution_a, fiscal_year=2009, state=ReportState.ACCEPTED)
    client = client_for(conflicted_reviewer)
    assert [r.fiscal_year for r in material_reports(entry_a, user=conflicted_reviewer)] == [2009]
    assert client.get(REPORT_2009).status_code == 200
    conflicts.declare_conflict(
        actor=conflicted_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    assert list(material_reports(entry_a, user=conflicted_reviewer)) == []
    assert client.get(REPORT_2009).status_code == 403


def test_reviewer_reads_reports_only_through_the_review(
    scoring, entry_a, mext_reviewer, institution_a, client_for
):
    from metrics.models import AnnualReport

    accepted = AnnualReportFactory(
        institution=institution_a, fiscal_year=2009, state=ReportState.ACCEPTED
    )
    AnnualReportFactory(institution=institution_a, fiscal_year=2010, state=ReportState.DRAFT)
    client = client_for(mext_reviewer)
    page = client.get(REPORT_2009)
    assert page.status_code == 200
    assert "figures-table" in page.content.decode()
    # The draft is not material; metrics' own report pages are not the reviewer's.
    assert client.get(REPORT_2009.replace("2009/", "2010/")).status_code == 404
    assert client.get(f"/metrics/reports/{accepted.pk}/").status_code == 403
    assert AnnualReport.objects.visible_to(mext_reviewer).count() == 0


def test_unassigned_reviewer_sees_no_reports(
    scoring, entry_a, unassigned_reviewer, institution_a, client_for
):

    AnnualReportFactory(institution=institution_a, fiscal_year=2009, state=ReportState.ACCEPTED)
    assert list(material_reports(entry_a, user=unassigned_reviewer)) == []
    assert client_for(unassigned_reviewer).get(REPORT_2009).status_code == 403


def test_affiliation_proposes_conflicts_with_partner_tlos(
    cycle, institution_a, entry_a, mext_reviewer, mext_official
):
    university = InstitutionFactory(kind=InstitutionKind.UNIVERSITY, tlo_type="", code="UNIV-X")
    Partnership.objects.create(tlo=institution_a, university=university)
    conflicts.add_affiliation(actor=mext_official, person=mext_reviewer, institution=university)
    conflict = Conflict.objects.get(person=mext_reviewer, entry=entry_a)
    assert conflict.state == ConflictState.PROPOSED
    assert conflict.kind == ConflictKind.PARTNER_UNIVERSITY


def test_pinned_conflict_cannot_be_withdrawn_by_reviewer(
    cycle, institution_a, mext_reviewer, mext_official, entry_a
):
    conflict = conflicts.declare_conflict(
        actor=mext_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    conflicts.act_on_conflict(actor=mext_official, conflict=conflict, action=ConflictAction.PIN)
    with pytest.raises(WorkflowError):
        conflicts.act_on_conflict(
            actor=mext_reviewer, conflict=conflict, action=ConflictAction.WITHDRAW
        )
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.PINNED


def test_reviewer_can_withdraw_own_unpinned_conflict(cycle, institution_a, mext_reviewer, entry_a):
    conflict = conflicts.declare_conflict(
        actor=mext_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    conflicts.act_on_conflict(
        actor=mext_reviewer, conflict=conflict, action=ConflictAction.WITHDRAW
    )
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.WITHDRAWN


def test_reviewer_cannot_act_on_another_persons_conflict(
    cycle, institution_a, mext_reviewer, meti_reviewer, entry_a
):
    conflict = conflicts.declare_conflict(
        actor=mext_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    with pytest.raises(PermissionDenied):
        conflicts.act_on_conflict(
            actor=meti_reviewer, conflict=conflict, action=ConflictAction.WITHDRAW
        )


def test_dismissing_needs_a_reason(cycle, institution_a, mext_reviewer, mext_official, entry_a):
    conflict = conflicts.declare_conflict(
        actor=mext_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    with pytest.raises(WorkflowError):
        conflicts.act_on_conflict(
            actor=mext_official, conflict=conflict, action=ConflictAction.DISMISS
        )


def test_automatic_proposal_guarantees(db, mext_official):
    from reviews.services import cycles

    institutions = [InstitutionFactory() for _ in range(7)]
    mext = [reviewer_of(Ministry.MEXT, username=f"m{i}") for i in range(3)]
    meti = [reviewer_of(Ministry.METI, username=f"e{i}") for i in range(2)]
    cycle = cycles.create_cycle(actor=mext_official, fiscal_year=2011, institutions=institutions)
    conflicts.declare_conflict(
        actor=mext[0],
        entry=cycle.entries.get(institution=institutions[0]),
        kind=ConflictKind.OTHER,
        reason="x",
    )
    conflicts.declare_conflict(
        actor=meti[1],
        entry=cycle.entries.get(institution=institutions[1]),
        kind=ConflictKind.OTHER,
        reason="x",
    )
    proposal = assignment_proposal(cycle)
    assert proposal.unfilled == []
    assert proposal.balanced
    assignments.assign_reviewers(actor=mext_official, cycle=cycle, pairs=proposal.pairs)
    for entry in cycle.entries.all():
        ministries = [a.reviewer.ministry for a in entry.assignments.all()]
        assert ministries.count("mext") >= 1 and ministries.count("meti") >= 1
    assert not Assignment.objects.filter(
        entry__institution=institutions[0], reviewer=mext[0]
    ).exists()
    assert not Assignment.objects.filter(
        entry__institution=institutions[1], reviewer=meti[1]
    ).exists()
    loads = [Assignment.objects.filter(reviewer=r).count() for r in mext]
    assert max(loads) - min(loads) <= 1
