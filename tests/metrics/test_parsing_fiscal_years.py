"""Fiscal years as the import reads them: every way offices write one gives one year."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.fiscal_years import parse_fiscal_year, wareki
from metrics.importing.values import cell_text

FULL_WIDTH = str.maketrans("0123456789RHS", "０１２３４５６７８９ＲＨＳ")


def written_forms(year: int) -> list[str]:
    forms = [
        str(year),
        f"{year}年度",
        f"{year}年",
        f"FY{year}",
        wareki(year),
        wareki(year, short=True),
    ]
    forms += [form.translate(FULL_WIDTH) for form in forms]
    return forms


@settings(deadline=None)
@given(year=st.integers(min_value=1989, max_value=2100))
def test_every_written_form_of_a_fiscal_year_reads_as_that_year(year):
    assert {parse_fiscal_year(form) for form in written_forms(year)} == {year}


@settings(deadline=None)
@given(year=st.integers(min_value=1950, max_value=2100))
def test_a_fiscal_year_from_an_xlsx_number_cell_reads_back(year):
    # Calamine gives numbers as floats: 2010.0 must read as 2010, not "2010.0".
    assert parse_fiscal_year(cell_text(float(year))) == year


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("H22", 2010),
        ("平成22年度", 2010),
        ("R2", 2020),
        ("令和2年度", 2020),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("Ｈ２２", 2010),
        ("2010年度", 2010),
    ],
)
def test_the_spec_examples_of_fiscal_years(written, year):
    assert parse_fiscal_year(written) == year
