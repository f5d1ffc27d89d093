"""The workflow table: which action leads where, from which state, for whom."""

import pytest

from core.workflow import TransitionNotAllowed
from institutions.enums import Ministry
from metrics.enums import ReportAction, ReportState
from metrics.permissions import can_create_reports, can_judge_reports, can_list_reports
from metrics.workflow import (
    REPORT_WORKFLOW,
    ReportLockedError,
    available_actions,
    may_accept_by_import,
)
from tests.factories import AnnualReportFactory, official_of

# Every (state, action) pair the product allows, and where it leads (SPEC §3).
ALLOWED = {
    (ReportState.DRAFT, ReportAction.EDIT): ReportState.DRAFT,
    (ReportState.RETURNED, ReportAction.EDIT): ReportState.DRAFT,
    (ReportState.DRAFT, ReportAction.SUBMIT): ReportState.SUBMITTED,
    (ReportState.SUBMITTED, ReportAction.RETURN): ReportState.RETURNED,
    (ReportState.SUBMITTED, ReportAction.ACCEPT): ReportState.ACCEPTED,
    (ReportState.ACCEPTED, ReportAction.REOPEN): ReportState.DRAFT,
    # Deleting leaves no state: the report is gone.
    (ReportState.DRAFT, ReportAction.DELETE): "",
    # An official's import "as accepted": figures the ministries already hold.
    (ReportState.DRAFT, ReportAction.ACCEPT_BY_IMPORT): ReportState.ACCEPTED,
    (ReportState.RETURNED, ReportAction.ACCEPT_BY_IMPORT): ReportState.ACCEPTED,
    (ReportState.SUBMITTED, ReportAction.ACCEPT_BY_IMPORT): ReportState.ACCEPTED,
}
WORKFLOW_ACTIONS = [a for a in ReportAction if a != ReportAction.CREATE]


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_transition_allowed_pairs_lead_to_their_state(state, action):
    assert REPORT_WORKFLOW.next_state(state, action) == ALLOWED[(state, action)]


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s in ReportState for a in WORKFLOW_ACTIONS if (s, a) not in ALLOWED],
)
def test_transition_other_pairs_are_refused(state, action):
    with pytest.raises(TransitionNotAllowed):
        REPORT_WORKFLOW.next_state(state, action)


@pytest.mark.parametrize("action", [ReportAction.EDIT, ReportAction.SUBMIT, ReportAction.RETURN])
def test_transition_on_accepted_report_says_it_is_locked(action):
    with pytest.raises(ReportLockedError):
        REPORT_WORKFLOW.next_state(ReportState.ACCEPTED, action)


def _report(institution, state):
    reason = "please check" if state == ReportState.RETURNED else ""
    return AnnualReportFactory(
        institution=institution, fiscal_year=2010, state=state, return_reason=reason
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (ReportState.DRAFT, [ReportAction.SUBMIT, ReportAction.DELETE]),
        (ReportState.RETURNED, []),
        (ReportState.SUBMITTED, []),
        (ReportState.ACCEPTED, []),
    ],
)
def test_available_actions_for_own_staff(staff_a, institution_a, state, expected):
    assert available_actions(staff_a, _report(institution_a, state)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (ReportState.DRAFT, []),
        (ReportState.RETURNED, []),
        (ReportState.SUBMITTED, [ReportAction.ACCEPT, ReportAction.RETURN]),
        (ReportState.ACCEPTED, [ReportAction.REOPEN]),
    ],
)
def test_available_actions_for_official(mext_official, institution_a, state, expected):
    assert available_actions(mext_official, _report(institution_a, state)) == expected


@pytest.mark.django_db
def test_available_actions_for_officials_of_both_ministries_are_the_same(institution_a):
    report = _report(institution_a, ReportState.SUBMITTED)
    mext, meti = official_of(Ministry.MEXT), official_of(Ministry.METI)
    assert available_actions(mext, report) == available_actions(meti, report) != []


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(ReportState))
def test_available_actions_none_for_other_institution_reviewer_viewer(
    staff_b, mext_reviewer, viewer, institution_a, state
):
    report = _report(institution_a, state)
    assert available_actions(staff_b, report) == []
    assert available_actions(mext_reviewer, report) == []
    assert available_actions(viewer, report) == []


@pytest.mark.django_db
def test_may_take_edit_only_for_own_staff(staff_a, staff_b, mext_official, institution_a):
    report = _report(institution_a, ReportState.RETURNED)
    assert REPORT_WORKFLOW.may(staff_a, report, ReportAction.EDIT) is True
    assert REPORT_WORKFLOW.may(staff_b, report, ReportAction.EDIT) is False
    assert REPORT_WORKFLOW.may(mext_official, report, ReportAction.EDIT) is False


@pytest.mark.django_db
def test_page_predicates_by_role(staff_a, mext_official, mext_reviewer, viewer):
    assert [can_list_reports(u) for u in (staff_a, mext_official, mext_reviewer, viewer)] == [
        True,
        True,
        False,
        False,
    ]
    assert [can_judge_reports(u) for u in (staff_a, mext_official, mext_reviewer, viewer)] == [
        False,
        True,
        False,
        False,
    ]
    assert [can_create_reports(u) for u in (staff_a, mext_official, mext_reviewer, viewer)] == [
        True,
        False,
        False,
        False,
    ]


@pytest.mark.django_db
def test_workflow_table_says_who_by_predicate_not_role(institution_a, staff_a, mext_official):
    # The table's own rows name who may act: staff of the report's institution submit,
    # officials accept; the same person may not do the other's step.
    report = _report(institution_a, ReportState.SUBMITTED)
    assert REPORT_WORKFLOW[ReportAction.ACCEPT].allowed(mext_official, report) is True
    assert REPORT_WORKFLOW[ReportAction.ACCEPT].allowed(staff_a, report) is False
    assert REPORT_WORKFLOW[ReportAction.SUBMIT].allowed(staff_a, report) is True
    assert REPORT_WORKFLOW[ReportAction.SUBMIT].allowed(mext_official, report) is False


@pytest.mark.django_db
def test_may_accept_by_import_only_officials(
    staff_a, mext_official, meti_official, mext_reviewer, viewer
):
    people = (staff_a, mext_official, meti_official, mext_reviewer, viewer)
    assert [may_accept_by_import(person) for person in people] == [
        False,
        True,
        True,
        False,
        False,
    ]
