"""The disclosure audit of issue #14: everything an anonymised reader can reach for a
fiscal year, put together, names no institution.

For each role that sees anonymised data (viewer, reviewer, TLO staff), the audit opens the
dashboard with every filter combination the page offers it (one and two filters at a
time), and writes every total shown — the view's totals, each region's and TLO type's —
as an equation over the institutions' figures (unknowns: institution × figure), adds
what the role knows by name (staff their own figures, reviewers their assigned
institutions'), and checks with exact rational arithmetic that no institution's figure
and no sum over fewer than SMALL_GROUP_THRESHOLD institutions is determined. Order
statistics (group medians) are checked by intersection: none may equal a member's own
value where the groups showing it come down to one institution.

Run on the demo registry and reports, and on a generated 100-institution year with small
regions. On the code before issue #14 it fails (the page offered region × type views).
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.utils import translation

from dashboards.selectors.national import TOTAL_FIELDS, DashboardFilters, national_dashboard
from institutions.demo import create_demo_accounts
from institutions.enums import InstitutionKind, Specialisation, TloType
from institutions.models import Institution
from institutions.services import load_registry
from metrics.calculations.disclosure import Knowledge, determined_small_sums
from metrics.demo import load_demo_reports
from metrics.enums import ReportState
from metrics.models import AnnualReport
from metrics.services.metric_values import recompute_metric_values
from reviews.models import Assignment
from reviews.services import cycles
from tests.dashboards.dashboard_support import figures_for
from tests.factories import InstitutionFactory, RegionFactory, UserFactory, staff_of
from tests.metrics.metric_builders import accepted_report

URL = "/dashboards/"
AUDITED_FIELDS = ("licence_income", "patent_applications", "joint_research_income")


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def _demo() -> int:
    load_registry()
    create_demo_accounts(password="demo-password-for-tests")
    load_demo_reports()
    recompute_metric_values()
    return 2010


def _generated() -> int:
    """100 approved TLOs in one year: two large regions and many of one to four."""
    sizes = [30, 25, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 9]
    types = list(TloType)
    specialisations = list(Specialisation)
    n = 0
    for r, size in enumerate(sizes):
        region = RegionFactory(code=f"r{r:02d}", order=r)
        for _ in range(size):
            institution = InstitutionFactory(
                # Codes and names of their own, so that the year (and which institution
                # each reader knows) is the same whatever tests ran before.
                code=f"GEN-{n:03d}",
                name_ja=f"生成TLO{n:03d}",
                name_en=f"Generated TLO {n:03d}",
                region=region,
                tlo_type=types[n % len(types)],
                specialisation=specialisations[(n // 3) % len(specialisations)],
                approval_fy=2000,
            )
            income = 1_000_000 + 37_000 * n + (n % 7) * 11_000
            accepted_report(institution, 2010, **figures_for(income, 5_000_000, 3 + n % 5, 10, 4))
            n += 1
    assert n == 100
    recompute_metric_values()
    return 2010


def _readers(fiscal_year: int, official) -> dict:
    """The three anonymised roles, each knowing some institutions by name."""
    institutions = list(
        Institution.objects.filter(
            kind=InstitutionKind.APPROVED_TLO,
            annual_reports__fiscal_year=fiscal_year,
            annual_reports__state=ReportState.ACCEPTED,
            region__isnull=False,
        ).order_by("code")
    )
    # Staff and the reviewer each know an institution of a region of exactly three where
    # there are such (a reader inside the group, who could subtract their own figures
    # from the region's total), else of the smallest regions (the attacks' aim).
    by_region: dict[int, list[Institution]] = {}
    for institution in institutions:
        by_region.setdefault(institution.region_id, []).append(institution)
    ordered = sorted(by_region.values(), key=lambda members: (len(members) != 3, len(members)))
    smallest, second = ordered[0], ordered[1]
    staff = staff_of(smallest[0], username="audited-staff")
    reviewer = UserFactory(role="reviewer", username="audited-reviewer", ministry="mext")
    cycle = cycles.create_cycle(
        actor=official, fiscal_year=fiscal_year, institutions=[second[0], institutions[-1]]
    )
    for entry in cycle.entries.all():
        Assignment.objects.create(entry=entry, reviewer=reviewer, ministry=reviewer.ministry)
    viewer = UserFactory(role="viewer", username="audited-viewer")
    known = {
        "viewer": set(),
        "reviewer": {second[0].pk, institutions[-1].pk},
        "staff": {smallest[0].pk},
    }
    return {"viewer": viewer, "reviewer": reviewer, "staff": staff}, known


def _offered(body: str) -> dict[str, list[str]]:
    """The values of each filter <select> the page offers (blank: all)."""
    offered = {}
    for name in ("region", "tlo_type", "specialisation"):
        select = re.search(rf'<select name="{name}".*?</select>', body, re.S)
        if select:
            offered[name] = [v for v in re.findall(r'value="([^"]*)"', select.group(0)) if v]
    return offered


def _views(offered: dict[str, list[str]]) -> list[dict[str, str]]:
    """No filter, each offered filter, and each pair of offered filters."""
    views: list[dict[str, str]] = [{}]
    names = list(offered)
    for name in names:
        views += [{name: v} for v in offered[name]]
    for a, b in itertools.combinations(names, 2):
        views += [{a: x, b: y} for x in offered[a] for y in offered[b]]
    return views


def _audit(client, user, known: set[int], fiscal_year: int) -> list[str]:
    registry = {
        pk: {"region": region or "", "tlo_type": tlo_type or "", "specialisation": spec or ""}
        for pk, region, tlo_type, spec in Institution.objects.filter(
            kind=InstitutionKind.APPROVED_TLO
        ).values_list("pk", "region__code", "tlo_type", "specialisation")
    }
    reported = {
        pk: dict(zip(TOTAL_FIELDS, row, strict=True))
        for pk, *row in AnnualReport.objects.filter(
            state=ReportState.ACCEPTED, fiscal_year=fiscal_year, institution__in=list(registry)
        ).values_list("institution_id", *TOTAL_FIELDS)
    }
    body = client.get(URL, {"fy": fiscal_year}).content.decode()
    knowledge = {code: Knowledge() for code in AUDITED_FIELDS}
    for code in AUDITED_FIELDS:
        for pk in known:
            if pk in reported:
                knowledge[code].add({(pk, code): 1})
    medians: list[tuple[frozenset[int], float]] = []

    def members(where: dict[str, str], code: str) -> list[int]:
        return [
            pk
            for pk, groups in registry.items()
            if pk in reported
            and reported[pk][code] is not None
            and all(groups[k] == v for k, v in where.items())
        ]

    def learn(where: dict[str, str], code: str, value) -> None:
        if value is None:
            return
        row = {(pk, code): 1 for pk in members(where, code)}
        if row:
            knowledge[code].add(row)

    for view in _views(_offered(body)):
        response = client.get(URL, {"fy": fiscal_year, **view})
        if response.status_code != 200:
            continue
        board = national_dashboard(
            filters=DashboardFilters(fiscal_year=fiscal_year, **view), user=user
        )
        for total in board.totals:
            if total.code in knowledge:
                learn(view, total.code, total.value)
        for dimension, rows in (("region", board.by_region), ("tlo_type", board.by_type)):
            for row in rows:
                where = {**view, dimension: row.key}
                for code in AUDITED_FIELDS:
                    learn(where, code, None if row.totals_withheld else row.totals.get(code))
                if not row.medians_withheld and row.medians.get("return_on_cost") is not None:
                    group = frozenset(members(where, "licence_income"))
                    medians.append((group, row.medians["return_on_cost"]))
    found = []
    for code in AUDITED_FIELDS:
        unknowns = sorted((pk, code) for pk in reported if pk not in known)
        for leak in determined_small_sums(knowledge[code], unknowns, below=3):
            found.append(f"{code}: {leak}")
    found += _tied_medians(medians, reported, known)
    return found


def _tied_medians(medians, reported, known) -> list[str]:
    """A shown median equal to one member's own return on cost, where the groups showing
    that value share a single institution the reader does not know."""
    by_value: dict[float, set[int] | None] = {}
    for group, value in medians:
        current = by_value.get(value)
        by_value[value] = set(group) if current is None else current & group
    tied = []
    for value, where in by_value.items():
        candidates = (where or set()) - known
        if len(candidates) == 1 and len(where or ()) <= 1:
            tied.append(f"median {value} names {candidates}")
    return tied


@pytest.mark.parametrize("country", [_demo, _generated], ids=["demo", "generated"])
def test_disclosure_audit_finds_nothing_for_any_anonymised_role(
    db, client_for, mext_official, country
):
    fiscal_year = country()
    readers, known = _readers(fiscal_year, mext_official)
    for role, user in readers.items():
        client = client_for(user)
        assert _audit(client, user, known[role], fiscal_year) == [], role
