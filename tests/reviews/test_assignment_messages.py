"""One assignment e-mail per reviewer per cycle, listing the institutions: assigning
several at once, one by one, or re-running the proposal stages one message in the
outbox; after a release only new institutions are told; a removal rewrites the waiting
message."""

import pytest
from django.core import mail

from institutions.enums import Ministry
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from notifications.services import deliver_notification, release_notifications
from reviews.models import Assignment
from reviews.selectors.pages import assignment_proposal
from reviews.services import assignments
from tests.factories import InstitutionFactory, reviewer_of

pytestmark = pytest.mark.django_db


def _messages(reviewer, state=None):
    found = Notification.objects.filter(kind=NotificationKind.REVIEW_ASSIGNED, recipient=reviewer)
    return list(found.filter(state=state) if state else found)


@pytest.fixture
def entry_c(cycle):
    from reviews.models import CycleEntry

    return CycleEntry.objects.create(
        cycle=cycle, institution=InstitutionFactory(code="TLO-CCC", name_ja="機関C")
    )


def test_assigning_three_institutions_at_once_stages_one_message_listing_them(
    cycle, entry_a, entry_b, entry_c, mext_reviewer, meti_reviewer, mext_official
):
    assignments.assign_reviewers(
        actor=mext_official,
        cycle=cycle,
        pairs=[
            (entry_a, mext_reviewer),
            (entry_b, mext_reviewer),
            (entry_c, mext_reviewer),
            (entry_a, meti_reviewer),
        ],
    )
    (message,) = _messages(mext_reviewer)
    assert message.state == NotificationState.STAGED
    assert message.subject == "審査の割当て(2010年度(平成22年度)): 3機関"
    assert "・機関A\n・機関B\n・機関C\n" in message.body
    assert message.body.startswith("2010年度(平成22年度)の合同審査で、次の機関の審査を")
    assert message.link == "/reviews/2010/"
    assert message.about == "2010年度(平成22年度) 審査"
    (other,) = _messages(meti_reviewer)
    assert "・機関A\n" in other.body and "機関B" not in other.body


def test_assigning_one_by_one_rewrites_the_waiting_message(
    cycle, entry_a, entry_b, mext_reviewer, mext_official
):
    assignments.assign_reviewers(actor=mext_official, cycle=cycle, pairs=[(entry_a, mext_reviewer)])
    assignments.assign_reviewers(actor=mext_official, cycle=cycle, pairs=[(entry_b, mext_reviewer)])
    (message,) = _messages(mext_reviewer)
    assert "・機関A\n・機関B\n" in message.body
    assert message.subject.endswith(": 2機関")


def test_rerunning_the_proposal_sends_no_duplicate(db, mext_official):
    from reviews.services import cycles

    institutions = [InstitutionFactory() for _ in range(3)]
    reviewers = [
        reviewer_of(Ministry.MEXT, username="m0"),
        reviewer_of(Ministry.METI, username="e0"),
    ]
    cycle = cycles.create_cycle(actor=mext_official, fiscal_year=2011, institutions=institutions)
    assignments.assign_reviewers(
        actor=mext_official, cycle=cycle, pairs=assignment_proposal(cycle).pairs
    )
    assert Assignment.objects.count() == 6
    # Run again: every pair is assigned already, so nothing new is proposed or told.
    again = assignment_proposal(cycle).pairs
    if again:
        assignments.assign_reviewers(actor=mext_official, cycle=cycle, pairs=again)
    for reviewer in reviewers:
        (message,) = _messages(reviewer)
        assert message.body.count("・") == 3


def test_after_release_only_new_institutions_are_told_and_one_mail_goes_per_message(
    cycle, entry_a, entry_b, mext_reviewer, mext_official, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mext_reviewer.email = "reviewer@example.jp"
    mext_reviewer.save(update_fields=["email"])
    assignments.assign_reviewers(actor=mext_official, cycle=cycle, pairs=[(entry_a, mext_reviewer)])
    (first,) = _messages(mext_reviewer)
    release_notifications(actor=mext_official, notifications=[first])
    deliver_notification(notification_id=first.pk)
    assignments.assign_reviewers(actor=mext_official, cycle=cycle, pairs=[(entry_b, mext_reviewer)])
    (second,) = _messages(mext_reviewer, NotificationState.STAGED)
    assert "・機関B\n" in second.body and "機関A" not in second.body
    release_notifications(actor=mext_official, notifications=[second])
    deliver_notification(notification_id=second.pk)
    to_reviewer = [m for m in mail.outbox if m.to == ["reviewer@example.jp"]]
    assert len(to_reviewer) == 2
    assert ["機関B" in m.body for m in to_reviewer] == [False, True]


def test_removing_an_assignment_rewrites_or_discards_the_waiting_message(
    cycle, entry_a, entry_b, mext_reviewer, mext_official
):
    made = assignments.assign_reviewers(
        actor=mext_official, cycle=cycle, pairs=[(entry_a, mext_reviewer), (entry_b, mext_reviewer)]
    )
    assignments.remove_assignment(actor=mext_official, assignment=made[0])
    (message,) = _messages(mext_reviewer)
    assert "機関A" not in message.body and "・機関B\n" in message.body
    assignments.remove_assignment(actor=mext_official, assignment=made[1])
    (message,) = _messages(mext_reviewer)
    assert message.state == NotificationState.DISCARDED
    assert _messages(mext_reviewer, NotificationState.STAGED) == []
