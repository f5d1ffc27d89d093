"""Collection rounds: opening, changing, closing, and the daily reminders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from institutions.enums import Role
from metrics.enums import ReportState
from metrics.models import CollectionRound, SentReminder
from metrics.services.collection import (
    RoundError,
    StaleRoundError,
    change_round,
    close_round,
    open_round,
    reopen_round,
    send_due_reminders,
)
from metrics.tasks import send_report_reminders
from notifications.models import Notification
from tests.factories import InstitutionFactory, UserFactory, staff_of
from tests.metrics.importing_support import make_report

pytestmark = pytest.mark.django_db

D = datetime.date
DEADLINE = D(2011, 6, 30)


@pytest.fixture(autouse=True)
def reminder_days(settings):
    settings.REPORT_REMINDER_DAYS_BEFORE = [14, 3]
    settings.REPORT_REMINDER_DAYS_AFTER = [1, 7]


@pytest.fixture
def round_2010(mext_official, institution_a, institution_b):
    return open_round(
        actor=mext_official,
        fiscal_year=2010,
        opens_on=D(2011, 4, 1),
        deadline=DEADLINE,
        expected=[institution_a, institution_b],
    )


# --- opening and changing ---------------------------------------------------------------


def test_open_round_stores_it_open_with_history(round_2010, mext_official, institution_a):
    stored = CollectionRound.objects.get()
    assert (stored.fiscal_year, stored.state, stored.deadline) == (2010, "open", DEADLINE)
    assert set(stored.expected.values_list("code", flat=True)) == {"TLO-AAA", "TLO-BBB"}
    assert stored.history.get().history_user == mext_official


def test_open_round_twice_for_a_year_is_refused(round_2010, meti_official, institution_a):
    with pytest.raises(RoundError):
        open_round(
            actor=meti_official,
            fiscal_year=2010,
            opens_on=D(2011, 4, 1),
            deadline=DEADLINE,
            expected=[institution_a],
        )
    assert CollectionRound.objects.count() == 1


@pytest.mark.parametrize(
    ("fiscal_year", "opens_on", "deadline"),
    [(2099, D(2011, 4, 1), DEADLINE), (2010, D(2011, 7, 1), DEADLINE)],
)
def test_open_round_refuses_future_years_and_deadlines_before_opening(
    mext_official, fiscal_year, opens_on, deadline
):
    with pytest.raises(RoundError):
        open_round(
            actor=mext_official,
            fiscal_year=fiscal_year,
            opens_on=opens_on,
            deadline=deadline,
            expected=[],
        )
    assert not CollectionRound.objects.exists()


@pytest.mark.parametrize("persona", ["staff_a", "mext_reviewer", "viewer"])
def test_open_round_by_anyone_but_an_official_is_refused(request, persona):
    with pytest.raises(PermissionDenied):
        open_round(
            actor=request.getfixturevalue(persona),
            fiscal_year=2010,
            opens_on=D(2011, 4, 1),
            deadline=DEADLINE,
            expected=[],
        )


def test_change_round_extends_the_deadline_and_refuses_an_old_version(
    round_2010, meti_official, institution_a
):
    change_round(
        actor=meti_official,
        collection_round=round_2010,
        opens_on=D(2011, 4, 1),
        deadline=D(2011, 7, 15),
        expected=[institution_a],
        expected_version=1,
    )
    stored = CollectionRound.objects.get()
    assert (stored.deadline, stored.version, stored.expected.count()) == (D(2011, 7, 15), 2, 1)
    with pytest.raises(StaleRoundError):
        change_round(
            actor=meti_official,
            collection_round=round_2010,
            opens_on=D(2011, 4, 1),
            deadline=D(2011, 8, 1),
            expected=[],
            expected_version=1,
        )
    assert CollectionRound.objects.get().deadline == D(2011, 7, 15)


def test_close_and_reopen_round(round_2010, mext_official):
    close_round(actor=mext_official, collection_round=round_2010, expected_version=1)
    assert CollectionRound.objects.get().state == "closed"
    reopen_round(actor=mext_official, collection_round=round_2010, expected_version=2)
    stored = CollectionRound.objects.get()
    assert (stored.state, stored.version) == ("open", 3)
    assert list(stored.history.order_by("history_date").values_list("state", flat=True)) == [
        "open",
        "closed",
        "open",
    ]


# --- reminders ------------------------------------------------------------------------


@pytest.fixture
def people(institution_a, institution_b, staff_a, staff_b):
    colleague = staff_of(institution_a, username="colleague-a", email="colleague@a.example.jp")
    for person in (staff_a, staff_b):
        person.email = f"{person.username}@example.jp"
        person.save()
    UserFactory(role=Role.TLO_STAFF, username="inactive-a", is_active=False, institutions=[])
    return {"a": [staff_a, colleague], "b": [staff_b]}


def _reminded():
    return sorted(
        (n.recipient.username, n.kind) for n in Notification.objects.select_related("recipient")
    )


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (D(2011, 6, 15), False),
        (D(2011, 6, 16), True),  # 14 days before
        (D(2011, 6, 27), True),  # 3 days before
        (D(2011, 6, 30), False),  # the deadline itself
        (D(2011, 7, 1), True),  # 1 day after
        (D(2011, 7, 2), False),
        (D(2011, 7, 7), True),  # 7 days after
        (D(2011, 7, 8), False),
    ],
)
def test_reminders_go_on_the_configured_days_only(round_2010, people, today, due):
    send_due_reminders(today=today)
    assert bool(Notification.objects.exists()) is due


def test_reminders_go_to_the_staff_of_institutions_that_have_not_submitted(
    round_2010, people, institution_a, institution_b
):
    third = InstitutionFactory(code="TLO-CCC")
    staff_of(third, username="staff-c")  # not expected by the round
    make_report(institution_b, 2010, state=ReportState.SUBMITTED)
    summary = send_due_reminders(today=D(2011, 6, 27))
    assert _reminded() == [
        ("colleague-a", "report_reminder"),
        ("staff-a", "report_reminder"),
    ]
    assert (summary.institutions, summary.recipients) == (1, 2)
    record = SentReminder.objects.get()
    assert (record.institution, record.timing, record.days, record.recipients) == (
        institution_a,
        "before",
        3,
        2,
    )


@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.RETURNED])
def test_drafts_and_returned_reports_are_reminded(round_2010, people, institution_a, state):
    make_report(institution_a, 2010, state=state, return_reason="x" if state == "returned" else "")
    send_due_reminders(today=D(2011, 7, 1))
    assert ("staff-a", "report_reminder") in _reminded()
    assert (
        "平成23年6月30日(木)"
        in Notification.objects.filter(recipient__username="staff-a").get().body
    )


def test_accepted_reports_are_not_reminded(round_2010, people, institution_a, institution_b):
    make_report(institution_a, 2010, state=ReportState.ACCEPTED)
    make_report(institution_b, 2010, state=ReportState.ACCEPTED)
    send_due_reminders(today=D(2011, 7, 1))
    assert _reminded() == []


def test_the_same_reminder_never_goes_twice_on_a_day(round_2010, people):
    send_due_reminders(today=D(2011, 6, 27))
    second = send_due_reminders(today=D(2011, 6, 27))
    assert (second.institutions, second.recipients) == (0, 0)
    assert Notification.objects.count() == 3
    assert SentReminder.objects.count() == 2


def test_closed_and_not_yet_opened_rounds_send_nothing(round_2010, people, mext_official):
    CollectionRound.objects.filter(pk=round_2010.pk).update(opens_on=D(2011, 6, 20))
    send_due_reminders(today=D(2011, 6, 16))
    assert not Notification.objects.exists()
    close_round(actor=mext_official, collection_round=round_2010, expected_version=1)
    send_due_reminders(today=D(2011, 6, 27))
    assert not Notification.objects.exists()


def test_reminders_are_sent_directly_not_held(
    round_2010, people, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(today=D(2011, 6, 16))
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mailoutbox) == 3


def test_daily_task_uses_todays_date(round_2010, people, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: D(2011, 7, 7))
    assert send_report_reminders() == {"institutions": 2, "recipients": 3}
    assert SentReminder.objects.filter(timing="after", days=7).count() == 2


def test_beat_schedules_the_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-report-reminders"]
    assert entry["task"] == "metrics.send_report_reminders"
    assert entry["schedule"].hour == {8}


def test_demo_data_opens_the_fy2011_round_once(mext_official):
    from institutions.services import load_registry
    from metrics.demo import load_demo_reports

    load_registry()
    load_demo_reports()
    load_demo_reports()
    collection_round = CollectionRound.objects.get()
    assert (collection_round.fiscal_year, collection_round.deadline) == (2011, D(2012, 6, 29))
    assert collection_round.expected.count() == 50  # 46 approved and 4 certified TLOs
    send_due_reminders(today=D(2026, 12, 1))
    assert not Notification.objects.exists()
