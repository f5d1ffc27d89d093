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
