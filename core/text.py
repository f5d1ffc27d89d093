"""Uploaded text files → str: UTF-8 (with or without BOM), then CP932, both strict.

No guessing: a guesser reads a short Shift_JIS file as some other encoding. UTF-8 is
tried first because a text that is not UTF-8 almost never decodes as UTF-8 by
accident; CP932 (Windows' Shift_JIS, what Japanese Excel writes) comes second. A
byte that neither accepts is an error naming its position; no replacement character
ever reaches the database. NUL characters are refused too: no text file of ours holds
one, and PostgreSQL cannot store them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

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


class UndecodableText(ValueError):
    """A byte that is neither UTF-8 nor CP932 text (or a NUL), at `offset` on `line`."""

    def __init__(self, data: bytes, offset: int):
        self.offset = offset
        self.line = data.count(b"\n", 0, offset) + 1
        self.byte = f"{data[offset]:02X}"
        super().__init__(f"byte 0x{self.byte} at {offset} (line {self.line})")


def decode_text(data: bytes) -> Decoded:
    """The text of an uploaded file, and the encoding it was in."""
    nul = data.find(b"\x00")
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode(UTF8)
        except UnicodeDecodeError as error:
            raise UndecodableText(data, error.start + len(codecs.BOM_UTF8)) from None
        _refuse_nul(data, nul)
        return Decoded(text, UTF8_BOM)
    try:
        text = data.decode(UTF8)
    except UnicodeDecodeError as utf8_error:
        utf8_failed_at = utf8_error.start
    else:
        _refuse_nul(data, nul)
        return Decoded(text, UTF8)
    try:
        text = data.decode(CP932)
    except UnicodeDecodeError as cp932_error:
        # Report where the file stops making sense in the encoding that got further:
        # a UTF-8 file with one stray byte fails late as UTF-8 and early as CP932.
        raise UndecodableText(data, max(utf8_failed_at, cp932_error.start)) from None
    match = _CP932_GARBAGE.search(text)
    if match is not None:
        offset = len(text[: match.start()].encode(CP932))
        raise UndecodableText(data, max(utf8_failed_at, offset))
    _refuse_nul(data, nul)
    return Decoded(text, CP932)


def _refuse_nul(data: bytes, nul: int) -> None:
    if nul != -1:
        raise UndecodableText(data, nul)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_excerpt(text: str, *, limit: int = 100) -> str:
    """Text from an upload, fit to be echoed in a message and stored: NUL and other
    control characters shown as ␀-style symbols (PostgreSQL cannot store NUL), and at
    most `limit` characters (a 5,000-digit "number" is shown by its start)."""
    shown = _CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if m.group() != "\x7f" else "␡", text
    )
    if len(shown) > limit:
        shown = shown[:limit] + f"…({len(text):,})"
    return shown


def display_file_name(name: str) -> str:
    """An uploaded file's name as people will see it: the last path part, without control
    characters, direction controls shown escaped (a right-to-left override would make
    "report‮xslx.exe" read as "reportexe.xlsx"), at most 200 characters; "upload" if
    nothing is left."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip()
    name = DIRECTION_CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", name)
    return name[:200] or "upload"


# Line breaks and other control characters, including Unicode's own line separators.
LINE_BREAKING = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
# Characters that reorder what follows them on screen: marks, embeddings, overrides,
# isolates. No name needs them; in a name or a file name they disguise it.
DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
