"""Lists of a cycle's institutions read in 読み順 (Japanese order), not by code; the
survey results likewise."""

import datetime

import pytest
from django.utils import timezone

from reviews.selectors.pages import entry_lines
from reviews.services import cycles
from surveys.selectors import tlo_results
from surveys.services import rounds
from tests.factories import InstitutionFactory
from tests.surveys.conftest import add_contacts

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(db):
    return [
        InstitutionFactory(code="TLO-A1", name_ja="和歌山", name_kana="わかやま"),
        InstitutionFactory(code="TLO-B1", name_ja="青森", name_kana="あおもり"),
        InstitutionFactory(code="TLO-C1", name_ja="高知", name_kana="こうち"),
    ]


def test_cycle_page_lists_institutions_in_reading_order(three, mext_official):
    cycle = cycles.create_cycle(actor=mext_official, fiscal_year=2010, institutions=three)
    lines = entry_lines(cycle, user=mext_official)
    assert [line.entry.institution.code for line in lines] == ["TLO-B1", "TLO-C1", "TLO-A1"]


def test_survey_results_list_institutions_in_reading_order(three, mext_official):
    today = timezone.localdate()
    survey = rounds.create_survey(
        actor=mext_official,
        fiscal_year=2011,
        opens_on=today + datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=40),
    )
    for institution in three:
        add_contacts(survey, institution, 1, prefix=institution.code)
    codes = [r.institution.code for r in tlo_results(survey)]
    assert codes == ["TLO-B1", "TLO-C1", "TLO-A1"]
