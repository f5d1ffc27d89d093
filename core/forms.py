"""What every form of the product shares."""

from __future__ import annotations

from typing import Any


class NoLabelSuffix:
    """Labels without Django's ASCII colon (「名称:」): Japanese government forms write
    the label alone, set apart by the layout (a line or a column of its own), so a form
    of the product puts nothing after its labels, in Japanese and in English alike.
    Mixed in before forms.Form or forms.ModelForm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
