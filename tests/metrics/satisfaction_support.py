"""Two TLOs with self-reported satisfaction scores in FY2009 and FY2010, and FY2010 the
first customer survey: A's 8 customers, 6 answered (index 4.50); B's 4 customers, 4
answered (under five: no index). Shared by the tests of every place that marks the
source of a satisfaction value (issue #18)."""

from metrics.services.metric_values import recompute_metric_values
from metrics.services.survey_results import SurveyFigures, record_survey_results
from tests.metrics.metric_builders import accepted_report

SCORES = {"satisfaction_desk": 3, "satisfaction_contracting": 3, "satisfaction_ip_handling": 3}
# The same totals for everyone, so that the fixed tables show anonymised readers the nation.
TOTALS = {"patent_applications": 10, "licences_granted": 4, "licence_income": 1_000_000}


def survey_two_tlos(institution_a, institution_b, capture_on_commit, others=()) -> None:
    """`others`: more TLOs, each with 10 customers of whom 5 answered (index 3.00)."""
    for institution in (institution_a, institution_b, *others):
        for year in (2009, 2010):
            accepted_report(institution, year, **SCORES, **TOTALS)
    with capture_on_commit(execute=True):
        record_survey_results(
            actor=None,
            fiscal_year=2010,
            results=[
                SurveyFigures(institution_a.pk, 8, 6, 4.0, 4.5, 5.0),
                SurveyFigures(institution_b.pk, 4, 4, 2.0, 2.0, 2.0),
                *(SurveyFigures(other.pk, 10, 5, 3.0, 3.0, 3.0) for other in others),
            ],
        )
    recompute_metric_values()
