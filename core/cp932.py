"""Text for people whose Excel opens CSV as Shift_JIS (CP932).

CP932 lacks some characters that Unicode text in the product holds. Each is written as its
nearest CP932 form from one table here; a character with no near form becomes 〓 (geta, the
mark Japanese printing uses for a missing character), never dropped or turned into "?".
"""

from __future__ import annotations

import unicodedata

# Unicode → the CP932 character people expect in its place.
CP932_REPLACEMENTS: dict[str, str] = {
    "\u2014": "\u2015",  # — EM DASH → ― HORIZONTAL BAR (CP932's 全角ダッシュ)
    "\u2013": "\uff0d",  # – EN DASH → － FULLWIDTH HYPHEN-MINUS
    "\u2212": "\uff0d",  # − MINUS SIGN → － (CP932 maps its minus to U+FF0D)
    "\u00a5": "\uffe5",  # ¥ YEN SIGN → ￥ FULLWIDTH YEN SIGN
    "\u00a2": "\uffe0",  # ¢ → ￠
    "\u00a3": "\uffe1",  # £ → ￡
    "\u00ac": "\uffe2",  # ¬ → ￢
    "\u2016": "\u2225",  # ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
    "\u301c": "\uff5e",  # 〜 WAVE DASH → ～ FULLWIDTH TILDE
    "\u00a6": "\uffe4",  # ¦ → ￤
    "\u00a0": " ",  # no-break space → space
    "\u2011": "-",  # non-breaking hyphen
    "\u2010": "-",  # hyphen
    "\u2060": "",  # word joiner: invisible, carries no text
    "\u200b": "",  # zero width space: invisible
    "\ufeff": "",  # a stray BOM inside text
}
MISSING = "\u3013"  # 〓 GETA MARK


def _cp932_char(char: str) -> str:
    replaced = CP932_REPLACEMENTS.get(char)
    if replaced is not None:
        return replaced
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        pass
    else:
        return char
    # Compatibility forms (①, ㈱, ﬁ, accented Latin) often have a CP932 equivalent.
    folded = unicodedata.normalize("NFKC", char)
    try:
        folded.encode("cp932")
    except UnicodeEncodeError:
        stripped = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            stripped.encode("cp932")
        except UnicodeEncodeError:
            return MISSING
        return stripped or MISSING
    return folded


def to_cp932(text: str) -> bytes:
    """`text` encoded as CP932, each character CP932 lacks replaced by its nearest form."""
    try:
        return text.translate(_TABLE).encode("cp932")
    except UnicodeEncodeError:
        return "".join(_cp932_char(c) for c in text).encode("cp932")


_TABLE = str.maketrans(CP932_REPLACEMENTS)
