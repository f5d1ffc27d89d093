"""CSV bytes → text, strictly (core.text), with an undecodable byte as a file problem."""

from __future__ import annotations

from core.text import CP932, UTF8, UTF8_BOM, Decoded, UndecodableText, decode_text

from .problems import FileProblem, FileProblemKind, Problem

__all__ = ["CP932", "UTF8", "UTF8_BOM", "Decoded", "decode_csv"]


def decode_csv(data: bytes) -> Decoded:
    """The text of a CSV file and its encoding; FileProblem naming the byte and line."""
    try:
        return decode_text(data)
    except UndecodableText as error:
        kind = FileProblemKind.NUL_CHARACTER if error.byte == "00" else FileProblemKind.UNDECODABLE
        raise FileProblem(
            Problem(
                kind,
                row=error.line,
                params={"byte": error.byte, "offset": error.offset, "line": error.line},
            )
        ) from None
