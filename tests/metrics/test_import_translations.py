"""The import speaks Japanese by default: every message has a translation in the
product's catalogue, and errors read in Japanese."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.utils import translation

from core.tables import wording as file_wording
from core.tables.problems import FileProblemKind, Problem
from metrics.enums import RowOutcome
from metrics.importing.problems import ProblemKind
from metrics.importing.wording import EXPECTED, MESSAGES, describe, sentence

CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


@pytest.fixture
def japanese_catalogue():
    with translation.override("ja"):
        yield


def test_catalogue_keeps_placeholders_in_every_translation(catalogue):
    for entry in catalogue:
        if entry.msgid_plural:
            continue
        assert set(PLACEHOLDER.findall(entry.msgstr)) == set(PLACEHOLDER.findall(entry.msgid))


def test_catalogue_covers_every_problem_and_outcome(catalogue):
    translated = {entry.msgid for entry in catalogue if entry.translated()}
    with translation.override(None):  # no catalogue: each lazy text is its msgid
        texts = [*MESSAGES.values(), *file_wording.MESSAGES.values(), *EXPECTED.values()]
        msgids = [str(text) for text in texts]
        msgids += [str(label) for label in RowOutcome.labels]
    assert set(MESSAGES) == set(ProblemKind)
    assert set(file_wording.MESSAGES) == set(FileProblemKind)
    assert set(ProblemKind).isdisjoint(FileProblemKind)
    assert [m for m in msgids if m not in translated] == []


def test_problem_reads_in_japanese(japanese_catalogue):
    problem = Problem(
        ProblemKind.NOT_A_NUMBER,
        row=999,
        column="ライセンス収入(千円)",
        value="abc",
        params={"expected": "scaled_yen", "unit": "千円"},
    )
    assert describe(problem, "報告.csv") == (
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
    assert sentence(problem) == (
        "「くまもとテクノ産学財団X」という機関は登録されていません。"
        "次のいずれかではありませんか: くまもとテクノ産業財団、熊本大学"
    )


def test_problem_reads_in_english_when_the_reader_uses_english(japanese_catalogue):
    problem = Problem(
        ProblemKind.NEGATIVE, row=5, column="人件費", value="-3", params={"expected": "yen"}
    )
    with translation.override("en"):
        assert describe(problem, "r.csv") == (
            "r.csv, row 5, column “人件費”: “-3” is negative; expected an amount in yen of 0 "
            "or more, such as 1,234,000."
        )
