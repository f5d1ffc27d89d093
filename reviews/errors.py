"""The review's refusals: each carries a message for the person who tried."""

from __future__ import annotations

from core.workflow import WorkflowError


class ReviewError(WorkflowError):
    """A review write that cannot be made. The message is for the person who tried."""


class StageClosed(ReviewError):
    """The cycle's stage does not open this activity (the person's role would)."""
