"""Queueing Celery tasks by name, so that services never import the tasks modules, and
the periodic sweep of the outbox.

Tasks import services (a task loads, then calls one service); services queue tasks
through core.outbox.enqueue, which records them in the same transaction and sends them
after the commit. Queueing by the task's registered name keeps the imports one way.
Each app's AppConfig.ready() imports its tasks module, so that every task is registered
in the web process as in the worker.
"""

from __future__ import annotations

import datetime

from celery import shared_task

from .outbox import enqueue, send_waiting_tasks

__all__ = ["enqueue", "send_waiting_tasks_task"]

# The request sends a task right after its commit; the sweep leaves it that long.
SWEEP_AFTER = datetime.timedelta(seconds=30)


@shared_task(name="core.send_waiting_tasks")
def send_waiting_tasks_task() -> int:
    """Periodic: send the tasks whose sending failed (the broker was down)."""
    return send_waiting_tasks(older_than=SWEEP_AFTER)
