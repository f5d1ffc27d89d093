"""Where a value stands in a group, and group statistics safe to show anonymised readers.

Pure functions (no ORM). Used by the dashboards and the peer benchmark (SPEC §6, after the
UK Knowledge Exchange Framework: an institution against the median and quintiles of its
region, its TLO type, the nation and its size peers).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

QUINTILES = (0.2, 0.4, 0.6, 0.8)


def quantile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between order statistics (as Excel's
    PERCENTILE.INC and numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def smoothed_quantile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile as shown to anonymised readers: the mean of the three order
    statistics nearest its position (of all values, in a group of fewer than three).

    Why: a plain median of an odd-sized group *is* one member's value; printed beside an
    anonymised ranking (or a region's and a type's medians beside each other), it tells
    which ranked institution belongs to the group, and with the public registry a region
    and a type together can name it. The mean of three neighbours carries much the same
    information about the group without being, by construction, any member's value.

    What is guaranteed is only that: it is not *picked* from one member. It can still
    equal a member's own value — whenever the three neighbours are evenly spaced (their
    mean is the middle one: 10, 20, 30 gives 20) or equal, which is common with counts
    and round figures. So a shown quantile may match a value of the anonymised ranking;
    whether that match ties the value to an institution (the groups showing it, intersected
    with the registry, coming down to one) is checked by the disclosure audit
    (metrics.calculations.disclosure.tied_order_statistics), not promised here.
    """
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    if n < 3:
        return statistics.fmean(ordered)
    centre = round(q * (n - 1))
    start = min(max(centre - 1, 0), n - 3)
    return statistics.fmean(ordered[start : start + 3])


def group_median(values: Sequence[float], *, anonymised: bool) -> float | None:
    """The median of a group: exact for officials, smoothed for anonymised readers."""
    if not values:
        return None
    if anonymised:
        return smoothed_quantile(values, 0.5)
    return statistics.median(values)


def group_quintiles(values: Sequence[float], *, anonymised: bool) -> list[float | None]:
    """The 20th, 40th, 60th and 80th percentiles (smoothed for anonymised readers)."""
    pick = smoothed_quantile if anonymised else quantile
    return [pick(values, q) for q in QUINTILES]


def quintile_of(value: float, values: Sequence[float], *, higher_is_better: bool) -> int | None:
    """Which fifth of the group the value stands in: 1 = the best 20%, 5 = the last 20%.

    The value's mid-rank percentile among the group's values (ties count half), so that
    a group of equal values puts every member in the middle fifth.
    """
    if not values:
        return None
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    share_below = (below + equal / 2) / len(values)
    share_better = 1 - share_below if higher_is_better else share_below
    # share_better in [0, 1]: 0–0.2 → 1 (best fifth) … 0.8–1 → 5
    return min(5, int(share_better * 5) + 1)


def nearest_peers(own_id: int, sizes: dict[int, float], *, count: int = 10) -> list[int]:
    """The `count` institutions nearest in size (e.g. total costs) to `own_id`, nearest
    first; ties broken by id. `own_id` itself is not among them."""
    if own_id not in sizes:
        return []
    own = sizes[own_id]
    others = [(abs(size - own), pk) for pk, size in sizes.items() if pk != own_id]
    return [pk for _distance, pk in sorted(others)[:count]]
