"""Which group aggregates an anonymised reader may not see (SPEC §4, small groups).

With the public registry, a region's or a TLO type's aggregate over one or two
institutions names them: its value is (or nearly is) an institution's own. Whoever sees
anonymised data is shown no aggregate over fewer than the threshold of institutions
(settings.SMALL_GROUP_THRESHOLD); and where the groups of a breakdown add up to a total
that is shown (sums of figures), one withheld group would be the total minus the others,
so the smallest other group is withheld too.

`is_withheld` is the one place the comparison is made; everything else here, and every
page, chart, download, benchmark and hearing sheet, asks it. It reads a setting, so it
lives beside metrics.calculations rather than in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings


def small_group_threshold() -> int:
    """SPEC §4: the fewest institutions an aggregate shown to anonymised readers stands
    on (settings.SMALL_GROUP_THRESHOLD, which says 3 unless the environment says else)."""
    return int(settings.SMALL_GROUP_THRESHOLD)


def is_withheld(count: int, *, known: int = 0, threshold: int | None = None) -> bool:
    """Whether an aggregate over `count` institutions must be withheld from an anonymised
    reader: the one small-group rule, asked by every page, chart, download, benchmark and
    hearing sheet (whether the reader is anonymised is the caller's question).

    What it protects: with the public registry, an aggregate over one or two institutions
    names them, and its value is (or nearly is) an institution's own figure. So no
    aggregate an anonymised reader sees stands on fewer than the threshold of
    institutions *they do not already know*. `known` counts the institutions of the group
    the reader knows from inside (a TLO's own institution in its own benchmark): the
    others must reach the threshold. A group of nobody has nothing to withhold.

    `threshold` defaults to settings.SMALL_GROUP_THRESHOLD; pass it only to reason about
    another value (tests, a page that states the value it applied).
    """
    if threshold is None:
        threshold = small_group_threshold()
    return count > 0 and count - known < threshold


def withheld_groups(
    counts: Sequence[int], *, threshold: int | None = None, additive_total: bool = False
) -> set[int]:
    """Positions of the groups to withhold, given how many institutions each stands on.

    `additive_total`: the groups' values add up to a total that is shown beside them, so
    that a lone withheld group could be recovered by subtraction.
    """
    withheld = {i for i, count in enumerate(counts) if is_withheld(count, threshold=threshold)}
    if additive_total and len(withheld) == 1:
        others = [i for i, count in enumerate(counts) if i not in withheld and count > 0]
        if others:
            withheld.add(min(others, key=lambda i: (counts[i], i)))
    return withheld


def view_withheld(
    counts: dict[tuple[str, ...], int], view: dict[int, str], *, threshold: int | None = None
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
    if is_withheld(total, threshold=threshold):
        return True
    for dimension, chosen in view.items():
        others = {d: v for d, v in view.items() if d != dimension}
        values = sorted({cell[dimension] for cell in counts} | {chosen})
        siblings = [count({**others, dimension: value}) for value in values]
        positions = withheld_groups(siblings, threshold=threshold, additive_total=True)
        if values.index(chosen) in positions:
            return True
    return False
