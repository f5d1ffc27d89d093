"""CSV bytes → text: UTF-8 (with or without BOM), then CP932, both strict.

No guessing: a guesser reads a short Shift_JIS file as some other encoding. UTF-8 is
tried first because a text that is not UTF-8 almost never decodes as UTF-8 by
accident; CP932 (Windows' Shift_JIS, what Japanese Excel writes) comes second. A
byte that neither accepts is an error naming its position; no replacement character
ever reaches the database.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .problems import FileProblem, Problem, ProblemKind

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
CP932 = "cp932"

# Python's cp932 codec maps a few bytes that no Japanese file contains (0x80, 0xA0,
# 0xFD–0xFF) to control or private-use characters, and the user-defined area
# (lead bytes 0xF0–0xF9) to private use too. In an uploaded file they are garbage.
_CP932_GARBAGE = re.compile("[\x80\ue000-\uf8ff]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_csv(data: bytes) -> Decoded:
    """The text of a CSV file, and the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[len(codecs.BOM_UTF8) :].decode(UTF8), UTF8_BOM)
        except UnicodeDecodeError as error:
            raise _undecodable(data, error.start + len(codecs.BOM_UTF8)) from None
    try:
        return Decoded(data.decode(UTF8), UTF8)
    except UnicodeDecodeError as utf8_error:
        utf8_failed_at = utf8_error.start
    try:
        text = data.decode(CP932)
    except UnicodeDecodeError as cp932_error:
        # Report where the file stops making sense in the encoding that got further:
        # a UTF-8 file with one stray byte fails late as UTF-8 and early as CP932.
        raise _undecodable(data, max(utf8_failed_at, cp932_error.start)) from None
    garbage = _first_garbage(text)
    if garbage is not None:
        offset = len(text[:garbage].encode(CP932))
        raise _undecodable(data, max(utf8_failed_at, offset))
    return Decoded(text, CP932)


def _first_garbage(text: str) -> int | None:
    match = _CP932_GARBAGE.search(text)
    return match.start() if match else None


def _undecodable(data: bytes, offset: int) -> FileProblem:
    line = data.count(b"\n", 0, offset) + 1
    return FileProblem(
        Problem(
            ProblemKind.UNDECODABLE,
            row=line,
            params={"byte": f"{data[offset]:02X}", "offset": offset, "line": line},
        )
    )
