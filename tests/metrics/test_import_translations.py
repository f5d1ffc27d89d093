"""The import speaks Japanese by default: every message has a translation in the
importer's PO fragment, and errors read in Japanese once it is compiled."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.utils import translation

from metrics.importing.preview import RowOutcome
from metrics.importing.problems import EXPECTED, MESSAGES, Problem, ProblemKind

FRAGMENT = Path(django_settings.BASE_DIR) / "locale" / "fragments" / "importer.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def fragment():
    return polib.pofile(str(FRAGMENT))


@pytest.fixture
def japanese_catalogue(settings, tmp_path, fragment):
    """The fragment compiled and put first in LOCALE_PATHS, as after the lead's merge."""
    target = tmp_path / "ja" / "LC_MESSAGES"
    target.mkdir(parents=True)
    fragment.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    with translation.override("ja"):
        yield


def test_fragment_translates_every_entry_with_the_same_placeholders(fragment):
    assert len(fragment) > 90
    for entry in fragment:
        assert entry.msgstr.strip(), entry.msgid
        assert set(PLACEHOLDER.findall(entry.msgstr)) == set(PLACEHOLDER.findall(entry.msgid))


def test_fragment_covers_every_problem_and_outcome(fragment):
    translated = {entry.msgid for entry in fragment}
    with translation.override(None):  # no catalogue: each lazy text is its msgid
        msgids = [str(text) for text in [*MESSAGES.values(), *EXPECTED.values()]]
        msgids += [str(label) for label in RowOutcome.labels]
    assert set(MESSAGES) == set(ProblemKind)
    assert [m for m in msgids if m not in translated] == []


def test_problem_reads_in_japanese(japanese_catalogue):
    problem = Problem(
        ProblemKind.NOT_A_NUMBER,
        row=999,
        column="ライセンス収入(千円)",
        value="abc",
        params={"expected": "scaled_yen", "unit": "千円"},
    )
    assert problem.describe("報告.csv") == (
        "報告.csv、999行目、「ライセンス収入(千円)」列: 「abc」は数値ではありません。"
        "0以上の金額(千円単位、例: 1,234)を入力してください。"
    )


def test_unknown_institution_reads_in_japanese_with_suggestions(japanese_catalogue):
    problem = Problem(
        ProblemKind.UNKNOWN_INSTITUTION,
        row=3,
        column="機関名",
        value="くまもとテクノ産学財団X",
        params={"suggestions": ["くまもとテクノ産業財団", "熊本大学"]},
    )
    assert problem.message() == (
        "「くまもとテクノ産学財団X」という機関は登録されていません。"
        "次のいずれかではありませんか: くまもとテクノ産業財団、熊本大学"
    )


def test_problem_reads_in_english_when_the_reader_uses_english(japanese_catalogue):
    problem = Problem(
        ProblemKind.NEGATIVE, row=5, column="人件費", value="-3", params={"expected": "yen"}
    )
    with translation.override("en"):
        assert problem.describe("r.csv") == (
            "r.csv, row 5, column “人件費”: “-3” is negative; expected an amount in yen of 0 "
            "or more, such as 1,234,000."
        )
