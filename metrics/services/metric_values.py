"""Recomputing stored metric values. (Filled in by the metric engine.)"""

from __future__ import annotations

from collections.abc import Iterable


def queue_recompute(*, institution_ids: Iterable[int], fiscal_years: Iterable[int]) -> None:
    """Queue a recompute of the metrics these reports feed, once the transaction commits.

    Called by the services that accept, reopen or import reports. A later fiscal year
    depends on earlier ones through cumulative and rolling windows, so the recompute
    covers each given fiscal year and every later one.
    """
