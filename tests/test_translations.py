"""Japanese is the default language: every string the product shows has a translation."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_japanese_catalogue_is_complete():
    catalogue = polib.pofile(str(PO_FILE))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert missing == []


def test_japanese_catalogue_has_no_fuzzy_entries():
    catalogue = polib.pofile(str(PO_FILE))
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize(("language", "expected"), [("ja", "機関一覧"), ("en", "Institution list")])
def test_compiled_catalogue_is_used(language, expected):
    with translation.override(language):
        assert translation.gettext("Institution list") == expected
