"""Matching institution names as people write them in spreadsheets.

The seed itself spells several institutions two ways, and files carry legal-form
marks, full-width characters and stray spaces. Matching compares normalised forms.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

# Legal-form marks, after NFKC (which turns ㈱ and （株） into (株)).
_LEGAL_FORM_MARKS = re.compile(
    r"\((?:株|有|財|同|社|一財|公財|一社|公社|独)\)"
    r"|株式会社|有限会社|合同会社|一般財団法人|公益財団法人|財団法人|一般社団法人|社団法人"
)
_SPACES = re.compile(r"[\s\u3000]+")


def normalise_name(name: str) -> str:
    """The form two spellings of one name share: NFKC, no legal-form marks, no spaces."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _LEGAL_FORM_MARKS.sub("", text)
    text = _SPACES.sub("", text)
    return text.casefold()


def closest_names(name: str, candidates: dict[str, str], limit: int = 3) -> list[str]:
    """The display names whose normalised forms are closest to `name`.

    `candidates` maps normalised form → display name.
    """
    key = normalise_name(name)
    matches = difflib.get_close_matches(key, list(candidates), n=limit, cutoff=0.4)
    seen: list[str] = []
    for match in matches:
        display = candidates[match]
        if display not in seen:
            seen.append(display)
    return seen


# A reading (読み) is kana: hiragana, katakana, the long mark and spaces. It is stored in
# hiragana so that one institution written ハ and another は sort together.
_HIRAGANA = "\u3041-\u3096\u309d\u309e"
_KATAKANA = "\u30a1-\u30fa\u30fd\u30fe"
_READING = re.compile(rf"^[{_HIRAGANA}{_KATAKANA}\u30fc ]*$")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)} | {
    0x30FD: 0x309D,
    0x30FE: 0x309E,
}


def normalise_reading(text: str) -> str:
    """The stored form of a reading: NFKC (half-width katakana and the ideographic space
    become full-width kana and a space), katakana as hiragana, spaces collapsed.
    ヷ–ヺ, which have no hiragana, stay katakana."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _SPACES.sub(" ", text).strip()
    return text.translate(_KATAKANA_TO_HIRAGANA)


def is_reading(text: str) -> bool:
    """Whether `text` (as written, before normalise_reading) is kana, the long mark and
    spaces only."""
    return bool(_READING.match(_SPACES.sub(" ", unicodedata.normalize("NFKC", text or ""))))


def search_key(text: str) -> str:
    """The form a search and what it searches share: normalise_name's, with katakana as
    hiragana, so that キャンパス finds きゃんぱす and ＴＬＯ finds TLO."""
    return normalise_name(text).translate(_KATAKANA_TO_HIRAGANA)
