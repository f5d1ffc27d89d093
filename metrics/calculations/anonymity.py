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


def view_withheld(
    counts: dict[tuple[str, ...], int], view: dict[int, str], *, threshold: int
) -> bool:
    """Whether a filtered view (e.g. region = 関東 and TLO type = 内部型) must show an
    anonymised reader nothing.

    `counts` maps each cell (one value per dimension: region, TLO type, …) to how many
    institutions it holds; `view` maps the filtered dimensions' positions to the chosen
    values. The view is withheld when it stands on fewer than `threshold` institutions,
    or when, for any one of its filters, it is a group that `withheld_groups` would
    withhold among the views that differ from it in that filter alone (its siblings add
    up to the view without that filter, which can also be opened: a view of 関東 with
    11 institutions next to 関東 × 内部型 with 10 would give away the eleventh).
    """

    def count(where: dict[int, str]) -> int:
        return sum(n for cell, n in counts.items() if all(cell[d] == v for d, v in where.items()))

    total = count(view)
    if total == 0:
        return False
    if total < threshold:
        return True
    for dimension, chosen in view.items():
        others = {d: v for d, v in view.items() if d != dimension}
        values = sorted({cell[dimension] for cell in counts} | {chosen})
        siblings = [count({**others, dimension: value}) for value in values]
        positions = withheld_groups(siblings, threshold=threshold, additive_total=True)
        if values.index(chosen) in positions:
            return True
    return False
