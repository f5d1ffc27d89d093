"""Rankings with ties, and the anonymised labels of the seed's tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Ranked:
    rank: int
    key: Any
    value: float


class _NoReport:
    """The value of an institution expected to report that has no accepted report."""

    def __repr__(self) -> str:
        return "NO_REPORT"


NO_REPORT: Any = _NoReport()


@dataclass(frozen=True)
class Ranking:
    rows: list[Ranked]
    ranked: int  # institutions with a defined value
    excluded: int  # institutions whose value is not defined
    no_report: int = 0  # institutions expected to report without an accepted report


def rank(
    entries: Iterable[tuple[Any, float | None]],
    *,
    higher_is_better: bool = True,
    top: int | None = None,
    tie_order: Callable[[Any], Any] = str,
) -> Ranking:
    """Competition ranking: ties share a rank and the next rank skips (1, 2, 2, 4).

    Values are compared unrounded: two values that print alike (100.0%) but differ
    get different ranks. Undefined values (None) are left out and counted as excluded;
    NO_REPORT values are left out and counted apart: the one rule by which every page
    says ranked / not defined / no report. `top`
    keeps the rows ranked `top` or better, so a tie at the cut keeps every tied row.
    Tied rows follow `tie_order` of their keys, so the order is stable.
    """
    defined = []
    excluded = no_report = 0
    for key, value in entries:
        if value is NO_REPORT:
            no_report += 1
        elif value is None:
            excluded += 1
        else:
            defined.append((key, value))
    sign = -1 if higher_is_better else 1
    defined.sort(key=lambda kv: (sign * kv[1], tie_order(kv[0])))
    rows: list[Ranked] = []
    previous: float | None = None
    current_rank = 0
    for position, (key, value) in enumerate(defined, start=1):
        if value != previous:
            current_rank = position
            previous = value
        if top is not None and current_rank > top:
            break
        rows.append(Ranked(current_rank, key, value))
    return Ranking(rows, len(defined), excluded, no_report)


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def anonymised_letters(count: int, *, start: int = 0) -> list[str]:
    """Letters for the rows of one anonymised table, as in the seed's tables.

    The seed letters its three tables in one run, A–J, K–T, then U–Z and on from A
    again (A–D): a letter is a row's place in the publication, not an institution's
    name, so the same letter in two tables need not be the same institution. `start`
    is how many letters earlier tables used. A table longer than 26 rows goes round
    again with a number, (A2), (B2)…, so that no letter repeats within one table.
    """
    letters = []
    for position in range(count):
        letter = LETTERS[(start + position) % len(LETTERS)]
        lap = position // len(LETTERS)
        letters.append(letter if lap == 0 else f"{letter}{lap + 1}")
    return letters


def letter_offset(letter: str) -> int:
    """ "K" → 10: the `start` at which a table's first row gets this letter."""
    letter = letter.strip().upper()
    if len(letter) != 1 or letter not in LETTERS:
        raise ValueError(f"not a letter A–Z: {letter!r}")
    return LETTERS.index(letter)


def anonymised_label(prefix: str, letter: str) -> str:
    """承認TLO (A), as the seed prints it."""
    return f"{prefix} ({letter})"
