"""The machinery of background jobs over uploads (the report import, the registry
upload): conditional state moves, progress with a heartbeat, and finding the jobs whose
worker died. Works on any model built on core.models.BackgroundJob.

Every move is a conditional UPDATE (the job moves only from a state the step starts
from), so that a background task never overwrites a person's later decision and a task
delivered twice (late acknowledgement redelivers the task of a worker that died) finds
the job already moved and does nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .enums import JobState
from .models import BackgroundJob

# A job being checked writes its progress every few hundred rows; one silent for this
# long lost its worker (killed, out of memory, redeployed).
SILENT_AFTER = datetime.timedelta(minutes=5)


def move_job(
    model: type[BackgroundJob],
    job_id: int,
    *,
    sources: Iterable[str],
    target: str,
    **fields: Any,
) -> bool:
    """Move the job to `target` if it is in one of `sources`, with these other fields;
    False if it is not (it moved on meanwhile)."""
    now = timezone.now()
    return bool(
        model.objects.filter(pk=job_id, state__in=list(sources)).update(
            state=target, state_changed_at=now, heartbeat_at=now, **fields
        )
    )


def record_progress(model: type[BackgroundJob], job_id: int, *, done: int, total: int) -> None:
    """Store how far the job got, which is also its heartbeat. Reads nothing."""
    model.objects.filter(pk=job_id).update(
        processed_rows=min(done, total), total_rows=total, heartbeat_at=timezone.now()
    )


def silent_jobs(
    model: type[BackgroundJob],
    *,
    states: Iterable[str] = (JobState.PARSING,),
    silent_for: datetime.timedelta = SILENT_AFTER,
) -> list[int]:
    """The ids of the jobs in `states` with no sign of life (progress, a state change)
    for `silent_for`: their worker died."""
    limit = timezone.now() - silent_for
    return list(
        model.objects.filter(state__in=list(states))
        .annotate(last_sign=Coalesce("heartbeat_at", "state_changed_at"))
        .filter(Q(last_sign__lt=limit))
        .values_list("pk", flat=True)
    )
