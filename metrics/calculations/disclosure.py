"""Statistical disclosure control: what a set of published numbers gives away together.

A number shown to an anonymised reader is an equation over the institutions' unknown
figures: a group total is the sum of its members' figures, a count or mean likewise, and
a pooled ratio r = Σa / Σb is Σa − r·Σb = 0. Each page on its own may respect the
small-group rule, and still two of them side by side (a region's total minus the total
of that region and one TLO type) name a pair of institutions. The checks here look at all
the equations a reader can collect at once, with exact rational arithmetic:

- `Knowledge` holds the equations (as coefficient rows, reduced to echelon form as they
  come) and says whether a target — one institution's figure, or a sum over a few — is
  determined by them: whether its coefficients lie in the span of what is known. What
  a reader knows by name (staff: their own figures; reviewers: their institutions') goes
  in as one equation per figure.
- `suppress` applies the rule statistics offices use to one fixed set of tables (national,
  by region, by type, …): primary suppression of a cell of fewer than `threshold`
  institutions not already known to the reader, or dominated by one institution; then
  secondary suppression of further cells until no withheld cell, and no sum over fewer
  than `threshold` unknown institutions, follows from the cells shown.
- `tied_order_statistics` checks what linear algebra cannot: a median or a quintile
  boundary equal to one institution's own value can be tied to it by intersecting the
  groups it appears in.

Pure functions over plain data: no ORM, no settings.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

Unknown = Hashable  # e.g. (institution_id, "licence_income")
Row = dict[Unknown, Fraction]


class Knowledge:
    """Linear equations a reader can write down, reduced as they are added."""

    def __init__(self) -> None:
        # pivot unknown → its row, normalised so that the pivot's coefficient is 1 and no
        # other row has that unknown (reduced row echelon form, kept sparse).
        self._rows: dict[Unknown, Row] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def reduce(self, coefficients: Mapping[Unknown, Fraction | int]) -> Row:
        """What is left of the coefficients once everything known is taken out: empty
        exactly when the combination they describe is determined."""
        residual: Row = {k: _exact(v) for k, v in coefficients.items() if v}
        for pivot in [k for k in residual if k in self._rows]:
            factor = residual.get(pivot)
            if not factor:
                continue
            for unknown, value in self._rows[pivot].items():
                updated = residual.get(unknown, 0) - factor * value
                if updated:
                    residual[unknown] = updated
                else:
                    residual.pop(unknown, None)
        return residual

    def add(self, coefficients: Mapping[Unknown, Fraction | int]) -> bool:
        """Learn an equation; False if it told nothing new."""
        residual = self.reduce(coefficients)
        if not residual:
            return False
        pivot = min(residual, key=repr)
        scale = residual[pivot]
        row = {k: _divided(v, scale) for k, v in residual.items()}
        for other_pivot, other in self._rows.items():
            factor = other.get(pivot)
            if factor:
                for unknown, value in row.items():
                    updated = other.get(unknown, 0) - factor * value
                    if updated:
                        other[unknown] = updated
                    else:
                        other.pop(unknown, None)
            self._rows[other_pivot] = other
        self._rows[pivot] = row
        return True

    def determines(self, coefficients: Mapping[Unknown, Fraction | int]) -> bool:
        return not self.reduce(coefficients)

    def copy(self) -> Knowledge:
        twin = Knowledge()
        twin._rows = {pivot: dict(row) for pivot, row in self._rows.items()}
        return twin


def determined_small_sums(
    knowledge: Knowledge, unknowns: Iterable[Unknown], *, below: int
) -> list[tuple[Unknown, ...]]:
    """Every single unknown, and every sum of fewer than `below` of them, that the
    knowledge determines.

    Reduction is linear, so e_i + e_j is determined exactly when the residuals of e_i and
    e_j cancel: residuals are compared, not every pair reduced (sums of up to three are
    checked this way; `below` above 4 is refused rather than quietly not checked)."""
    if below > 4:
        raise ValueError("sums of more than three unknowns are not checked")
    residuals = {u: _frozen(knowledge.reduce({u: 1})) for u in unknowns}
    found: list[tuple[Unknown, ...]] = [(u,) for u, r in residuals.items() if not r]
    if below > 2:
        by_residual: dict[frozenset, list[Unknown]] = {}
        for u, r in residuals.items():
            by_residual.setdefault(r, []).append(u)
        for u, r in residuals.items():
            if not r:
                continue
            for v in by_residual.get(_negated(r), []):
                if repr(u) < repr(v):
                    found.append((u, v))
    if below > 3:
        items = [(u, dict(r)) for u, r in residuals.items() if r]
        for (u, ru), (v, rv) in combinations(items, 2):
            wanted = _frozen(_negate(_plus(ru, rv)))
            for w in by_residual.get(wanted, []):
                if repr(v) < repr(w):
                    found.append((u, v, w))
    return found


@dataclass
class Cell:
    """One cell of a published table: a group of institutions and, for each, its figure
    (None where only the count matters)."""

    table: str
    group: str
    members: dict[int, Fraction | None]
    withheld: bool = False
    reason: str = ""

    @property
    def total(self) -> Fraction | None:
        if any(v is None for v in self.members.values()):
            return None
        return sum(self.members.values(), 0)


@dataclass
class Suppression:
    cells: list[Cell]
    knowledge: Knowledge
    rounds: int = 0
    notes: list[str] = field(default_factory=list)

    def shown(self) -> list[Cell]:
        return [c for c in self.cells if not c.withheld]


PRIMARY = "primary"
DOMINANCE = "dominance"
SECONDARY = "secondary"


def suppress(
    cells: Sequence[Cell],
    *,
    threshold: int,
    known: Iterable[int] = (),
    dominance: Fraction | float | None = Fraction(4, 5),
    protect: Iterable[tuple[str, str]] = (),
) -> Suppression:
    """Withhold cells so that the cells shown determine no withheld cell and no sum over
    fewer than `threshold` institutions the reader does not know.

    Primary: a cell with fewer than `threshold` unknown members, or (with `dominance`)
    one whose largest member makes up more than that share of its total. Secondary: while
    the shown cells still give something away, the smallest shown cell whose withholding
    helps is withheld too (never the cell that gives nothing away on its own account).
    Cells in `protect`, (table, group) pairs such as the national total, are withheld by
    secondary suppression only when withholding every other shown cell is not enough."""
    known = set(known)
    protected = set(protect)
    result = [Cell(c.table, c.group, dict(c.members), c.withheld, c.reason) for c in cells]
    for cell in result:
        unknown = [m for m in cell.members if m not in known]
        if cell.withheld or not cell.members:
            continue
        if len(unknown) < threshold:
            cell.withheld, cell.reason = True, PRIMARY
        elif dominance is not None and _dominated(cell, known, Fraction(dominance)):
            cell.withheld, cell.reason = True, DOMINANCE
    # After the primary step nothing looks at the figures again: the secondary step
    # depends only on the cells' members, what is withheld so far and what the reader
    # knows. Quantities and years with the same reporting institutions and the same
    # primary cells (most of them) are worked out once.
    key = _structure_key(result, known, threshold, protected)
    with _SECONDARY_MEMO_LOCK:
        found = _SECONDARY_MEMO.get(key)
        if found is not None:
            _SECONDARY_MEMO.move_to_end(key)
    if found is not None:
        outcome, knowledge, rounds = found
        for cell, (withheld, reason) in zip(result, outcome, strict=True):
            cell.withheld, cell.reason = withheld, reason
        return Suppression(result, knowledge.copy(), rounds)
    suppression = _secondary(result, known, threshold, protected)
    remembered = ([(c.withheld, c.reason) for c in result], suppression.knowledge.copy())
    with _SECONDARY_MEMO_LOCK:
        _SECONDARY_MEMO[key] = (*remembered, suppression.rounds)
        if len(_SECONDARY_MEMO) > _SECONDARY_MEMO_SIZE:
            _SECONDARY_MEMO.popitem(last=False)
    return suppression


_SECONDARY_MEMO: OrderedDict[bytes, tuple[list[tuple[bool, str]], Knowledge, int]] = OrderedDict()
_SECONDARY_MEMO_SIZE = 256
_SECONDARY_MEMO_LOCK = threading.Lock()


def _structure_key(
    cells: Sequence[Cell], known: set, threshold: int, protected: set[tuple[str, str]]
) -> bytes:
    """A digest of everything the secondary step reads (not the figures)."""
    text = repr(
        (
            [(c.table, c.group, sorted(c.members, key=repr), c.withheld, c.reason) for c in cells],
            sorted(known, key=repr),
            threshold,
            sorted(protected),
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=32).digest()


def _secondary(
    result: list[Cell], known: set, threshold: int, protected: set[tuple[str, str]]
) -> Suppression:
    rounds = 0
    while True:
        rounds += 1
        knowledge = _knowledge_of(result, known)
        leak = _first_leak(result, knowledge, known, threshold)
        if leak is None:
            if _release_secondary(result, known, threshold, protected):
                knowledge = _knowledge_of(result, known)
            return Suppression(result, knowledge, rounds)
        helper = _cell_to_withhold(result, known, threshold, protected)
        if helper is None:  # nothing shown is left to withhold
            for cell in result:
                cell.withheld, cell.reason = True, cell.reason or SECONDARY
            return Suppression(result, _knowledge_of(result, known), rounds)
        helper.withheld, helper.reason = True, SECONDARY


def tied_order_statistics(
    shown: Iterable[tuple[str, Fraction]],
    groups: Mapping[str, Iterable[int]],
    values: Mapping[int, Fraction],
) -> list[tuple[Fraction, int]]:
    """Order statistics (medians, quintile boundaries) a reader can tie to one institution.

    `shown` lists (group, value) for every order statistic shown; `groups` the members of
    each group as the public registry tells; `values` the institutions' true values. A
    shown value that is some institution's own value is placed in every group that shows
    it: if the institutions with that value in all those groups come down to one, the
    reader has named it. Returned as (value, institution) pairs."""
    by_value: dict[Fraction, set[str]] = {}
    for group, value in shown:
        by_value.setdefault(Fraction(value), set()).add(group)
    tied = []
    for value, where in by_value.items():
        candidates = {i for i, v in values.items() if Fraction(v) == value}
        for group in where:
            candidates &= set(groups[group])
        if len(candidates) == 1:
            tied.append((value, next(iter(candidates))))
    return tied


def _dominated(cell: Cell, known: set[int], share: Fraction) -> bool:
    total = cell.total
    if total is None or total <= 0:
        return False
    largest = max(v for v in cell.members.values() if v is not None)
    return largest > share * total


def _knowledge_of(cells: Sequence[Cell], known: set[int]) -> Knowledge:
    knowledge = Knowledge()
    for member in known:
        knowledge.add({member: 1})
    for cell in cells:
        if not cell.withheld and cell.members:
            knowledge.add(dict.fromkeys(cell.members, 1))
    return knowledge


def _first_leak(
    cells: Sequence[Cell], knowledge: Knowledge, known: set[int], threshold: int
) -> Cell | None:
    for cell in cells:
        unknown = [m for m in cell.members if m not in known]
        if cell.withheld and unknown and knowledge.determines(dict.fromkeys(unknown, 1)):
            return cell
    unknowns = {m for c in cells for m in c.members if m not in known}
    if determined_small_sums(knowledge, sorted(unknowns, key=repr), below=min(threshold, 4)):
        return Cell("", "", {})
    return None


def _cell_to_withhold(
    cells: Sequence[Cell],
    known: set[int],
    threshold: int,
    protected: set[tuple[str, str]] = frozenset(),
) -> Cell | None:
    """The smallest shown cell whose withholding removes a leak; failing that, the
    smallest shown cell (the loop goes on until nothing leaks). Protected cells only
    when no other shown cell is left."""
    shown = sorted(
        (c for c in cells if not c.withheld and c.members),
        key=lambda c: (len(c.members), c.table, c.group),
    )
    unprotected = [c for c in shown if (c.table, c.group) not in protected]
    for candidate in unprotected or shown:
        candidate.withheld = True
        knowledge = _knowledge_of(cells, known)
        fixed = _first_leak(cells, knowledge, known, threshold) is None
        candidate.withheld = False
        if fixed:
            return candidate
    if unprotected:
        return unprotected[0]
    return shown[0] if shown else None


def _release_secondary(
    cells: Sequence[Cell], known: set[int], threshold: int, protected: set[tuple[str, str]]
) -> bool:
    """Show again every cell withheld by secondary suppression that can be shown without
    a leak (the greedy rounds may withhold more than needed), protected and larger cells
    first. True if any was shown again."""
    released = False
    withheld = sorted(
        (c for c in cells if c.withheld and c.reason == SECONDARY),
        key=lambda c: ((c.table, c.group) not in protected, -len(c.members), c.table, c.group),
    )
    for cell in withheld:
        cell.withheld, cell.reason = False, ""
        if _first_leak(cells, _knowledge_of(cells, known), known, threshold) is None:
            released = True
        else:
            cell.withheld, cell.reason = True, SECONDARY
    return released


def _exact(value: Fraction | int) -> Fraction | int:
    """A coefficient as an exact number: whole numbers as int (the sums of the tables
    have 0/1 coefficients, and int arithmetic is many times faster than Fraction's),
    others as Fraction. The two compare and hash alike, so rows mixing them are equal
    exactly when their values are."""
    if isinstance(value, int):
        return value
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else value


def _divided(value: Fraction | int, by: Fraction | int) -> Fraction | int:
    """value / by, exactly (never a float): an int when the quotient is whole."""
    if isinstance(value, int) and isinstance(by, int) and value % by == 0:
        return value // by
    return _exact(Fraction(value) / by)


def _frozen(row: Mapping[Unknown, Fraction]) -> frozenset:
    return frozenset(row.items())


def _negate(row: Mapping[Unknown, Fraction]) -> Row:
    return {k: -v for k, v in row.items()}


def _negated(row: frozenset) -> frozenset:
    return frozenset((k, -v) for k, v in row)


def _plus(a: Mapping[Unknown, Fraction], b: Mapping[Unknown, Fraction]) -> Row:
    total = dict(a)
    for k, v in b.items():
        updated = total.get(k, 0) + v
        if updated:
            total[k] = updated
        else:
            total.pop(k, None)
    return total
