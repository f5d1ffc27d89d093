"""The registry and the seed's reference data, for the dashboards: approvals per fiscal
year by TLO type, consolidations, Japan–US top licence income, the IP-headquarters
readiness survey. Public data: named for everyone."""

from __future__ import annotations

import csv
import datetime
import functools
import io
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

from django.db.models import Count
from django.utils.translation import get_language

from institutions.enums import ConsolidationKind, InstitutionKind, TloType
from institutions.models import ConsolidationEvent, Institution


@dataclass(frozen=True)
class Approvals:
    fiscal_years: list[int]
    by_type: dict[str, list[int]]  # TloType value (or "other") → count per fiscal year


@dataclass(frozen=True)
class Consolidation:
    occurred_on: datetime.date
    predecessor: str
    successor: str
    kind: str


@dataclass(frozen=True)
class TopLicenceIncome:
    country: str
    fiscal_year: int
    top_income_musd: float
    institution: str
    note: str


@dataclass(frozen=True)
class SurveyRow:
    sector: str
    respondents: int
    established: int
    planned: int
    no_plan: int
    respondents_prev: int
    established_prev: int
    planned_prev: int
    no_plan_prev: int


# ---------------------------------------------------------------------------------------
# The registry and the seed's reference data (public: named for everyone)


def approvals_by_type() -> Approvals:
    """Approved TLOs per approval fiscal year and TLO type (the seed's establishment
    table; revoked TLOs, whose type the seed does not give, under "other"). One query."""
    rows = (
        Institution.objects.filter(kind=InstitutionKind.APPROVED_TLO, approval_fy__isnull=False)
        .values("approval_fy", "tlo_type")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["approval_fy"]][row["tlo_type"] or "other"] = row["count"]
    years = sorted(counts)
    keys = [t.value for t in TloType] + ["other"]
    return Approvals(years, {key: [counts[y].get(key, 0) for y in years] for key in keys})


def consolidations() -> list[Consolidation]:
    language = get_language() or "ja"
    english = language.startswith("en")
    events = ConsolidationEvent.objects.select_related("predecessor", "successor").order_by(
        "occurred_on", "predecessor__code"
    )
    return [
        Consolidation(
            e.occurred_on,
            (e.predecessor.name_en if english and e.predecessor.name_en else e.predecessor.name_ja),
            (
                (e.successor.name_en if english and e.successor.name_en else e.successor.name_ja)
                if e.successor
                else ""
            ),
            str(ConsolidationKind(e.kind).label),
        )
        for e in events
    ]


@functools.cache
def _data_file(name: str) -> list[dict[str, str]]:
    text = resources.files("institutions").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def japan_us_top_licence_income() -> list[TopLicenceIncome]:
    """The seed's Japan–US comparison of the top licence income (million US dollars)."""
    return [
        TopLicenceIncome(
            r["country"],
            int(r["fiscal_year"]),
            float(r["top_income_musd"]),
            r["institution"],
            r["note"],
        )
        for r in _data_file("japan_us_top_licence_income.csv")
    ]


def ip_hq_survey() -> list[SurveyRow]:
    """The seed's IP-headquarters readiness survey (as of 2010-04-01, and the year before)."""
    numbers = (
        "respondents",
        "established",
        "planned",
        "no_plan",
        "respondents_prev",
        "established_prev",
        "planned_prev",
        "no_plan_prev",
    )
    return [
        SurveyRow(r["sector"], *(int(r[n]) for n in numbers))
        for r in _data_file("ip_hq_survey_2010.csv")
    ]
