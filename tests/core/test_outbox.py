"""Transactional task queueing (core.outbox): with the broker down, accepting a report
answers normally; the recompute and the e-mail run once the broker is back, once."""

import time

import pytest
from celery import current_app
from django.urls import reverse
from django.utils import timezone

from core.models import QueuedTask
from core.outbox import enqueue, send_waiting_tasks
from metrics.enums import ReportState
from metrics.models import AnnualReport, MetricValue
from notifications.enums import NotificationState
from notifications.models import Notification
from tests.metrics.metric_builders import stored

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: other tests keep theirs


BROKER_SETTINGS = ("broker_url", "broker_write_url", "broker_read_url", "task_always_eager")


def _use_broker(url: str, *, eager: bool) -> None:
    current_app.conf.update(
        broker_url=url, broker_write_url=url, broker_read_url=url, task_always_eager=eager
    )
    # The connection pools were made for the broker configured before.
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    saved = {name: current_app.conf[name] for name in BROKER_SETTINGS}
    _use_broker(CLOSED_PORT, eager=False)
    yield
    current_app.conf.update(saved)
    current_app._pool = None
    current_app.amqp._producer_pool = None


def broker_back() -> None:
    """The worker is back: eager settings run what is sent in this process."""
    _use_broker("memory://", eager=True)


@pytest.fixture
def submitted(institution_a, staff_a):
    staff_a.email = "staff-a@example.jp"
    staff_a.save(update_fields=["email"])
    return AnnualReport.objects.create(
        institution=institution_a,
        fiscal_year=2010,
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
        licence_income=30_000_000,
        personnel_costs=8_000_000,
        patent_costs=2_000_000,
    )


def test_accept_with_broker_down_answers_and_work_runs_once_when_back(
    broker_down,
    submitted,
    mext_official,
    client_for,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = client_for(mext_official)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("metrics:report_accept", args=[submitted.pk]), {"version": submitted.version}
        )
    assert response.status_code == 302
    assert time.monotonic() - started < 15
    assert AnnualReport.objects.get(pk=submitted.pk).state == ReportState.ACCEPTED
    assert sorted(QueuedTask.objects.waiting().values_list("task_name", flat=True)) == [
        "metrics.recompute_metrics",
        "notifications.send_notifications",
    ]
    assert not MetricValue.objects.exists()
    assert mailoutbox == []
    assert Notification.objects.get().state == NotificationState.QUEUED
    health = client.get("/health/").json()
    assert health["tasks_waiting"] == 2
    assert health["oldest_waiting_seconds"] >= 0
    # Still down: the sweep sends nothing and keeps everything.
    assert send_waiting_tasks() == 0
    assert QueuedTask.objects.waiting().count() == 2

    broker_back()
    assert send_waiting_tasks() == 2
    assert send_waiting_tasks() == 0

    assert stored("return_on_cost", submitted.institution, 2010).value == 3.0
    assert len(mailoutbox) == 1
    assert Notification.objects.get().state == NotificationState.SENT
    assert QueuedTask.objects.waiting().count() == 0
    assert client.get("/health/").json()["tasks_waiting"] == 0


def test_enqueue_in_a_rolled_back_transaction_records_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue("metrics.recompute_metrics", [1], 2010)
        raise RuntimeError
    assert callbacks == []
    assert not QueuedTask.objects.exists()


def test_task_held_by_another_sender_is_not_sent_twice(broker_down):
    from datetime import timedelta

    from django.utils import timezone

    from core.outbox import send_queued_task

    queued = QueuedTask.objects.create(
        task_name="metrics.recompute_metrics",
        args=[[1], 2010],
        claimed_until=timezone.now() + timedelta(minutes=1),
    )
    broker_back()
    assert send_queued_task(queued.pk) is False
    queued.refresh_from_db()
    assert queued.sent_at is None and queued.attempts == 0


def test_request_with_broker_unreachable_answers_quickly(
    broker_down,
    submitted,
    mext_official,
    client_for,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    """kombu's default publish retries held each request about a second per task it
    queued (at least 0.6 s of it asleep between attempts); the work is recorded anyway,
    so the request gives up on the broker at once."""
    from core import outbox

    waited = []
    send = outbox.send_queued_task

    def timed_send(task_id):
        started = time.monotonic()
        try:
            return send(task_id)
        finally:
            waited.append(time.monotonic() - started)

    monkeypatch.setattr(outbox, "send_queued_task", timed_send)
    client = client_for(mext_official)
    client.get(reverse("metrics:report_detail", args=[submitted.pk]))  # warm up the view
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("metrics:report_accept", args=[submitted.pk]), {"version": submitted.version}
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    # Two tasks (the recompute and the e-mail) were refused by the broker and kept.
    assert QueuedTask.objects.waiting().filter(attempts=1).exclude(last_error="").count() == 2
    assert len(waited) == 2
    # Generous bounds, not a benchmark: the old retries slept 1.2 s for these two alone.
    assert sum(waited) < 1.0, f"the request waited {sum(waited):.2f} s on the broker"
    assert elapsed < 2.0, f"the request took {elapsed:.2f} s with the broker unreachable"
