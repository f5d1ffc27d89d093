"""Property tests: the bulk engine agrees with the reference rule on any series."""

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.calculations import Formula, Operand, ReportFigures, evaluate, evaluate_years
from metrics.enums import Combination, Window

figure = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9))


@st.composite
def series(draw):
    years = draw(st.lists(st.integers(2000, 2012), unique=True, max_size=8))
    return [
        ReportFigures(
            report_id=i,
            institution_id=draw(st.sampled_from([1, 2])),
            fiscal_year=year,
            figures={"licences_granted": draw(figure), "commercialisations": draw(figure)},
        )
        for i, year in enumerate(sorted(years))
    ]


@settings(max_examples=200, deadline=None)
@given(
    series(),
    st.sampled_from(list(Window)),
    st.sampled_from(list(Window)),
    st.sampled_from([Combination.RATIO, Combination.DIFFERENCE]),
    st.booleans(),
)
def test_bulk_engine_matches_reference_rule(
    reports, numerator_window, denominator_window, combination, follows_lineage
):
    formula = Formula(
        combination,
        Operand(("commercialisations",), numerator_window),
        Operand(("licences_granted",), denominator_window),
        follows_lineage=follows_lineage,
    )
    own = [r for r in reports if r.institution_id == 1]
    years = range(1999, 2014)
    bulk = evaluate_years(formula, years, own=own, lineage=reports)
    for year in years:
        assert bulk[year] == evaluate(formula, year, own=own, lineage=reports)
