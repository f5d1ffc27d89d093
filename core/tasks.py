"""Queueing Celery tasks by name, so that services never import the tasks modules.

Tasks import services (a task loads, then calls one service); services queue tasks after
their transaction commits. Queueing by the task's registered name keeps the imports one
way. Each app's AppConfig.ready() imports its tasks module, so that every task is
registered in the web process as in the worker.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction


def enqueue(task_name: str, /, *args: Any, **kwargs: Any) -> None:
    """Queue the task named `task_name` with these (JSON-able) arguments once the current
    transaction commits; nothing is queued if it rolls back. Eager settings run it then,
    in-process."""
    task = current_app.tasks[task_name]  # a KeyError here is a typo, found at once
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
