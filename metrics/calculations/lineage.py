"""Consolidation lineage: which institutions ended in which."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping


def predecessors_map(edges: Iterable[tuple[int, int | None]]) -> dict[int, set[int]]:
    """successor → its direct predecessors, from (predecessor, successor) pairs."""
    result: dict[int, set[int]] = defaultdict(set)
    for predecessor, successor in edges:
        if successor is not None:
            result[successor].add(predecessor)
    return result


def ancestors(institution_id: int, predecessors: Mapping[int, Iterable[int]]) -> set[int]:
    """Every institution that ended in this one, directly or through others."""
    found: set[int] = set()
    stack = list(predecessors.get(institution_id, ()))
    while stack:
        current = stack.pop()
        if current in found or current == institution_id:
            continue
        found.add(current)
        stack.extend(predecessors.get(current, ()))
    return found


def descendants(
    institution_ids: Iterable[int], edges: Iterable[tuple[int, int | None]]
) -> set[int]:
    """The institutions themselves and every successor they ended in, transitively."""
    successor_of = {p: s for p, s in edges if s is not None}
    found: set[int] = set()
    for institution_id in institution_ids:
        current: int | None = institution_id
        while current is not None and current not in found:
            found.add(current)
            current = successor_of.get(current)
    return found
