"""The survey's figures as pure functions: means, distributions, the index, the rate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from metrics.models.surveys import SURVEY_MIN_ANSWERS

SCALE_POINTS = (1, 2, 3, 4, 5)


def mean_score(scores: Iterable[int | None]) -> float | None:
    """The mean of the given 1–5 scores, 「該当しない」 (None) left out; None if none."""
    given = [s for s in scores if s is not None]
    return sum(given) / len(given) if given else None


def distribution(scores: Iterable[int | None]) -> dict[int | None, int]:
    """How many chose each point (1–5) and how many 「該当しない」 (None)."""
    counts: dict[int | None, int] = {point: 0 for point in SCALE_POINTS}
    counts[None] = 0
    for score in scores:
        counts[score if score in SCALE_POINTS else None] += 1
    return counts


def satisfaction_index(means: Sequence[float | None], *, answered: int) -> float | None:
    """The mean of the dimension means (those rated at all), defined only from
    SURVEY_MIN_ANSWERS answers: under that it does not exist, for anyone."""
    if answered < SURVEY_MIN_ANSWERS:
        return None
    return mean_score(means)


def response_rate(*, answered: int, invited: int) -> float | None:
    return answered / invited if invited else None


def shows_figures(answered: int) -> bool:
    """Anyone but officials sees a TLO's means only from SURVEY_MIN_ANSWERS answers."""
    return answered >= SURVEY_MIN_ANSWERS
