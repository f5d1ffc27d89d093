import pytest

from institutions.names import normalise_name
from institutions.selectors import InstitutionMatcher, InstitutionNotFound
from institutions.services import load_registry


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("(株)東京大学TLO", "東京大学TLO"),
        ("㈱東京大学TLO", "東京大学TLO"),
        ("株式会社 東京大学ＴＬＯ", "東京大学TLO"),
        ("（財）大阪産業振興機構", "大阪産業振興機構"),
        ("関西ティー・エル・オー株式会社", "関西ティー・エル・オー"),
    ],
)
def test_normalise_name_ignores_legal_forms_width_and_spaces(one, other):
    assert normalise_name(one) == normalise_name(other)


def test_normalise_name_keeps_different_names_apart():
    assert normalise_name("山口ティー・エル・オー") != normalise_name("関西ティー・エル・オー")


@pytest.fixture
def matcher(db):
    load_registry()
    return InstitutionMatcher()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # The seed's own variant spellings.
        ("名古屋産業科学研究所", "TLO-NAGOYA"),
        ("名古屋産業科学技術研究所", "TLO-NAGOYA"),
        ("(財)名古屋産業科学技術研究所", "TLO-NAGOYA"),
        ("くまもとテクノ産学財団", "TLO-KUMAMOTO"),
        ("くまもとテクノ産業財団", "TLO-KUMAMOTO"),
        ("金沢大学ティ・エル・オー", "TLO-KANAZAWA"),
        ("金沢大学ティー・エル・オー", "TLO-KANAZAWA"),
        ("(有)金沢大学ティー・エル・オー", "TLO-KANAZAWA"),
        # Codes, legal-form marks, full width.
        ("TLO-UTTLO", "TLO-UTTLO"),
        ("tlo-uttlo", "TLO-UTTLO"),
        ("㈱東京大学ＴＬＯ", "TLO-UTTLO"),
        ("関西ティー・エル・オー(株)", "TLO-KANSAI"),
        ("(財)理工学振興会", "TLO-RIKOGAKU"),
    ],
)
def test_matcher_finds_variant_spellings(matcher, written, code):
    assert matcher.match(written).code == code


def test_matcher_suggests_closest_names_on_failure(matcher):
    with pytest.raises(InstitutionNotFound) as caught:
        matcher.match("くまもとテクノ財団")
    assert "くまもとテクノ産学財団" in caught.value.suggestions


def test_matcher_fails_on_unrelated_text(matcher):
    with pytest.raises(InstitutionNotFound):
        matcher.match("存在しない機関")
