"""Checks of one-line values (names, places, providers) for forms, models and uploads.

Kept apart from core.text, which the parser's child process imports without Django."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .text import DIRECTION_CONTROLS, LINE_BREAKING


def single_line_problem(text: str) -> str | None:
    """Why `text` can't be a name or another one-line value (a line break or another
    control character, a direction control), in the person's language; None if it can.

    A name with a line break ends up in e-mail subjects, where it is refused."""
    if LINE_BREAKING.search(text):
        return gettext("it contains a line break or another control character")
    if DIRECTION_CONTROLS.search(text):
        return gettext("it contains a character that changes the direction of the text")
    return None


def validate_single_line(value: str) -> None:
    """Form and model validator: single_line_problem as a ValidationError."""
    problem = single_line_problem(value or "")
    if problem:
        raise ValidationError(problem, code="not_single_line")
