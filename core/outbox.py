"""Transactional task queueing: a task is recorded in the transaction that asks for it,
and handed to the broker after the commit.

Before, a task was queued in `on_commit` with `.delay()`: with the broker down, the
commit had happened (a report stored accepted), then `.delay()` raised (the person saw a
500), and the work (a recompute, an e-mail) was lost. Now the work is a QueuedTask row,
committed or rolled back with the rest; the request sends it after the commit and, if
the broker refuses it, leaves it waiting for the periodic sweep (core.tasks
send_waiting_tasks, every minute), which sends it once the broker is back.

Nothing runs twice: a sender claims a row for a while (a conditional UPDATE) before
sending it and marks it sent after. Only a sender that dies between the broker taking
the task and the mark can leave a task to be sent again, so every task queued this way
is idempotent (a recompute computes from the reports; sending skips messages already
sent; an import step checks its job's state).
"""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from .models import QueuedTask

logger = logging.getLogger(__name__)

# How long a sender holds a task it is sending; a sender that died lets go after this.
CLAIM_FOR = datetime.timedelta(minutes=2)
# Sent tasks are kept this long (for the record), then deleted by the sweep.
SENT_KEPT = datetime.timedelta(days=7)


def enqueue(task_name: str, /, *args: Any, **kwargs: Any) -> QueuedTask:
    """Record the task named `task_name` with these (JSON-able) arguments in the current
    transaction, and send it to the broker when the transaction commits; nothing is
    recorded or sent if it rolls back. Eager settings run it then, in-process."""
    current_app.tasks[task_name]  # a KeyError here is a typo, found at once
    queued = QueuedTask.objects.create(task_name=task_name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: send_queued_task(queued.pk))
    return queued


def send_queued_task(task_id: int) -> bool:
    """Hand one waiting task to the broker. True if it was sent by this call; False if
    another sender holds or sent it, or the broker refused it (the error is recorded and
    the sweep sends it later). Never raises for an unreachable broker.

    Under eager settings the task runs here, in-process (in a background thread when
    TASKS_IN_THREAD), and counts as sent; run in this thread, its own errors propagate
    as they did before the outbox."""
    now = timezone.now()
    claimed = (
        QueuedTask.objects.waiting()
        .filter(pk=task_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    queued = QueuedTask.objects.get(pk=task_id)
    task = current_app.tasks[queued.task_name]
    if current_app.conf.task_always_eager:
        _mark_sent(queued.pk)
        if getattr(settings, "TASKS_IN_THREAD", False):
            threading.Thread(
                target=_run_in_thread,
                args=(task, queued.args, queued.kwargs),
                name=f"task-{queued.pk}",
                daemon=True,
            ).start()
        else:
            task.apply_async(args=queued.args, kwargs=queued.kwargs)
        return True
    try:
        task.apply_async(args=queued.args, kwargs=queued.kwargs)
    except Exception as error:  # the broker is down or refuses: keep it for the sweep
        logger.warning("task %s (%s) not sent, kept for the sweep: %s", queued.pk, task.name, error)
        QueuedTask.objects.filter(pk=queued.pk).update(
            claimed_until=None, last_error=str(error)[:2000]
        )
        return False
    _mark_sent(queued.pk)
    return True


def _run_in_thread(task: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    """An eager task in its own thread (TASKS_IN_THREAD, for `make run`): the request
    that queued it returns at once, as with a worker. Its errors go to the log."""
    try:
        task.apply(args=args, kwargs=kwargs, throw=True)
    except Exception:
        logger.exception("task %s failed in its background thread", task.name)
    finally:
        connection.close()  # this thread's own connection


def _mark_sent(task_id: int) -> None:
    QueuedTask.objects.filter(pk=task_id).update(
        sent_at=timezone.now(), claimed_until=None, last_error=""
    )


@dataclass(frozen=True)
class Backlog:
    """The tasks waiting to be sent: how many, and the age of the oldest in seconds."""

    waiting: int
    oldest_seconds: int | None


def backlog() -> Backlog:
    """How many tasks wait to be sent, and for how long the oldest has (for /health/)."""
    found = QueuedTask.objects.waiting().aggregate(oldest=Min("created_at"))
    waiting = QueuedTask.objects.waiting().count()
    oldest = found["oldest"]
    age = None if oldest is None else max(0, int((timezone.now() - oldest).total_seconds()))
    return Backlog(waiting=waiting, oldest_seconds=age)


def send_waiting_tasks(*, older_than: datetime.timedelta = datetime.timedelta(0)) -> int:
    """The sweep: send every task still waiting that was recorded more than `older_than`
    ago (the request sends the fresh ones itself), oldest first, and delete sent tasks
    kept long enough. Returns how many were sent; stops at the first refusal (the broker
    is still down: the next sweep tries again)."""
    QueuedTask.objects.filter(sent_at__lt=timezone.now() - SENT_KEPT).delete()
    waiting = QueuedTask.objects.waiting().filter(created_at__lte=timezone.now() - older_than)
    sent = 0
    for task_id in list(waiting.values_list("pk", flat=True)[:1000]):
        if send_queued_task(task_id):
            sent += 1
        elif QueuedTask.objects.filter(
            pk=task_id, sent_at__isnull=True, claimed_until=None
        ).exists():
            break  # refused by the broker, not held by another sender
    return sent
