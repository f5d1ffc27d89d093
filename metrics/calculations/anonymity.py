"""Which group aggregates an anonymised reader may not see (SPEC §4, small groups).

With the public registry, a region's or a TLO type's aggregate over one or two
institutions names them: its value is (or nearly is) an institution's own. Whoever sees
anonymised data is shown no aggregate over fewer than `threshold` institutions; and where
the groups of a breakdown add up to a total that is shown (sums of figures), one withheld
group would be the total minus the others, so the smallest other group is withheld too.
"""

from __future__ import annotations

from collections.abc import Sequence


def withheld_groups(
    counts: Sequence[int], *, threshold: int, additive_total: bool = False
) -> set[int]:
    """Positions of the groups to withhold, given how many institutions each stands on.

    `additive_total`: the groups' values add up to a total that is shown beside them, so
    that a lone withheld group could be recovered by subtraction.
    """
    withheld = {i for i, count in enumerate(counts) if 0 < count < threshold}
    if additive_total and len(withheld) == 1:
        others = [i for i, count in enumerate(counts) if i not in withheld and count > 0]
        if others:
            withheld.add(min(others, key=lambda i: (counts[i], i)))
    return withheld
