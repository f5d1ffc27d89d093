"""The metric formulas (SPEC §4), as pure functions: no ORM, no settings, no requests.

Vocabulary, used the same way in the models, the services and the pages:

- a *term* is one figure of an annual report (a SPEC §3 field code), or a count of the
  report's licence detail rows (all rows, rows with a licensee in the same region, rows
  whose income reaches the home-run threshold);
- an *operand* is the sum of some terms over the reports of a *window*: the fiscal year
  itself, a rolling three fiscal years ending with it, or every fiscal year up to it;
- a *formula* combines a numerator and a denominator operand into a value;
- a *series* is the accepted reports one value may draw on: the institution's own, and,
  for a formula that follows the consolidation lineage, its predecessors' too.

The rules for figures that were not reported, decided once here:

- A blank figure means "not reported" (a `－` in a file is zero, not blank).
- A report counts towards an operand only if it reports every term of that operand:
  a single-year cost of "人件費 + 特許関係費" with 特許関係費 left blank is missing, not
  just 人件費. Over a multi-year window the operand sums the reports that count.
- An operand with no report that counts is missing. A missing operand, or a zero
  denominator, makes the value "not defined": stored as no value with a status,
  never 0 or infinity, and left out of rankings and aggregates.
- A report without licence detail rows has no licence-row terms (they are missing),
  unless it reports that no licence was granted (then they are 0).
"""

from .aggregates import Aggregate, ValueRow, aggregate
from .display import describe_formula, format_value, is_surplus, plain_number, plain_value
from .distributions import (
    QUINTILES,
    group_median,
    group_quintiles,
    nearest_peers,
    quantile,
    quintile_of,
    smoothed_quantile,
)
from .figures import (
    LICENCE_ROWS,
    LICENCE_ROWS_HOME_RUN,
    LICENCE_ROWS_IN_REGION,
    LICENCE_TERMS,
    ROLLING_YEARS,
    TERMS,
    Formula,
    Number,
    Operand,
    OperandTotal,
    ReportFigures,
    YearlySums,
    in_window,
    operand_total,
    operand_totals,
    report_contribution,
    term_value,
    window_span,
)
from .lineage import ancestors, descendants, predecessors_map
from .rankings import (
    LETTERS,
    Ranked,
    Ranking,
    anonymised_label,
    anonymised_letters,
    letter_offset,
    rank,
)
from .values import (
    Contribution,
    Outcome,
    Row,
    combine,
    combine_row,
    evaluate,
    evaluate_years,
    operand_breakdown,
    series_for,
)

__all__ = [
    "LETTERS",
    "LICENCE_ROWS",
    "LICENCE_ROWS_HOME_RUN",
    "LICENCE_ROWS_IN_REGION",
    "LICENCE_TERMS",
    "QUINTILES",
    "ROLLING_YEARS",
    "TERMS",
    "Aggregate",
    "Contribution",
    "Formula",
    "Number",
    "Operand",
    "OperandTotal",
    "Outcome",
    "Ranked",
    "Ranking",
    "ReportFigures",
    "Row",
    "ValueRow",
    "YearlySums",
    "aggregate",
    "ancestors",
    "anonymised_label",
    "anonymised_letters",
    "combine",
    "combine_row",
    "descendants",
    "describe_formula",
    "evaluate",
    "evaluate_years",
    "format_value",
    "group_median",
    "group_quintiles",
    "in_window",
    "is_surplus",
    "letter_offset",
    "nearest_peers",
    "operand_breakdown",
    "operand_total",
    "operand_totals",
    "plain_number",
    "plain_value",
    "predecessors_map",
    "quantile",
    "quintile_of",
    "rank",
    "report_contribution",
    "series_for",
    "smoothed_quantile",
    "term_value",
    "window_span",
]
