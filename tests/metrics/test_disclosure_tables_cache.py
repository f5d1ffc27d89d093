"""The fixed tables' suppression of a year's report totals is kept per data version and
reader (metrics.selectors.disclosure.tables_by_year): what was worked out for a viewer is
never what staff get, and a write is seen on the next call."""

import pytest

from core.cache import bump_data_version
from institutions.enums import InstitutionKind
from metrics.enums import ReportState
from metrics.selectors.disclosure import REGION, tables_by_year
from tests.factories import InstitutionFactory, RegionFactory
from tests.metrics.importing_support import make_report

pytestmark = pytest.mark.django_db

FIGURES = {"licence_income": 1000, "patent_applications": 10}


def _region_shown(region, known) -> bool:
    tables = tables_by_year(kind=InstitutionKind.APPROVED_TLO, known=known, fiscal_years=[2010])
    return tables[2010].totals_shown(REGION, region.code)


def test_a_readers_known_institution_is_in_the_key_and_a_write_moves_it_on():
    region = RegionFactory(code="shikoku")
    a, b, c = (InstitutionFactory(region=region) for _ in range(3))
    for institution in (a, b, c):
        make_report(institution, 2010, state=ReportState.ACCEPTED, **FIGURES)
    bump_data_version()

    assert _region_shown(region, known=[])  # three institutions the viewer does not know
    # Staff of `a` know their own figures: two others are too few, whatever the viewer got.
    assert not _region_shown(region, known=[a.pk])

    make_report(InstitutionFactory(region=region), 2010, state=ReportState.ACCEPTED, **FIGURES)
    assert not _region_shown(region, known=[a.pk])  # no write recorded: still the old tables
    bump_data_version()
    assert _region_shown(region, known=[a.pk])  # three others now
