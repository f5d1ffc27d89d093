"""The queries behind the review pages (besides scores: see aggregates)."""

from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.enums import InstitutionKind, Ministry
from institutions.fiscal_years import fiscal_year_of
from institutions.models import User, reading_order
from metrics.anonymity import is_withheld
from metrics.calculations import format_value, rank
from metrics.enums import MetricUnit
from metrics.models import AnnualReport, MetricDefinition, MetricValue
from metrics.selectors.disclosure import NATIONAL, REGION, TLO_TYPE, year_tables
from metrics.selectors.satisfaction import satisfaction_sources, uses_satisfaction

from ..calculations import loads_within_one_of_mean, propose_assignments
from ..display import local_name
from ..enums import ScoreState
from ..models import (
    Assignment,
    Conflict,
    CycleEntry,
    Decision,
    Hearing,
    HearingStatement,
    ReviewCycle,
)
from ..permissions import is_official, is_reviewer
from .disclosure import known_institution_ids
from .reports import material_reports

TREND_YEARS = 5


def cycle_by_year(fiscal_year: int) -> ReviewCycle:
    """Raises ReviewCycle.DoesNotExist."""
    return ReviewCycle.objects.prefetch_related("criteria", "plans").get(fiscal_year=fiscal_year)


def next_fiscal_year() -> int:
    """The fiscal year after the latest cycle's, or the current one when there is none."""
    latest = ReviewCycle.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
    if latest:
        return latest[0] + 1
    return fiscal_year_of(timezone.localdate())


def entry_of(cycle: ReviewCycle, code: str) -> CycleEntry:
    """Raises CycleEntry.DoesNotExist."""
    return CycleEntry.objects.select_related("institution__region", "cycle").get(
        cycle=cycle, institution__code=code
    )


def cycles_for(user: User) -> QuerySet[ReviewCycle]:
    """The cycles this person has a part in (ReviewCycle.objects.visible_to), newest first."""
    return ReviewCycle.objects.visible_to(user).order_by("-fiscal_year")


@dataclass(frozen=True)
class EntryLine:
    entry: CycleEntry
    assignments: list[Assignment]
    has_statement: bool
    hearing: Hearing | None
    decision: Decision | None = None

    @property
    def by_ministry(self) -> list[list[Assignment]]:
        """The assignments of MEXT reviewers, then of METI reviewers."""
        return [
            [a for a in self.assignments if a.ministry == ministry]
            for ministry in (Ministry.MEXT, Ministry.METI)
        ]


def entry_lines(cycle: ReviewCycle, *, user: User) -> list[EntryLine]:
    """The cycle's institutions as this person may list them: every one for officials
    and reviewers (names are public; reviewers declare conflicts from this list), their
    own for TLO staff. Assignments, their progress and the decision only for officials.
    Fixed queries."""
    official = is_official(user)
    entries = cycle.entries.select_related("institution__region").order_by(
        reading_order("institution__"), "institution__code"
    )
    if not (official or is_reviewer(user)):
        entries = entries.filter(institution__in=user.memberships.values("institution"))
    if official:
        entries = entries.select_related("decision").prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("reviewer").order_by(
                    "ministry", "reviewer__username"
                ),
            )
        )
    statements = set(
        HearingStatement.objects.filter(entry__cycle=cycle).values_list("entry_id", flat=True)
    )
    hearings = {h.entry_id: h for h in Hearing.objects.filter(entry__cycle=cycle)}
    return [
        EntryLine(
            entry=e,
            assignments=list(e.assignments.all()) if official else [],
            has_statement=e.pk in statements,
            hearing=hearings.get(e.pk),
            decision=getattr(e, "decision", None) if official else None,
        )
        for e in entries
    ]


def my_assignments(cycle: ReviewCycle, *, user: User) -> list[Assignment]:
    """A reviewer's assignments in the cycle, unconflicted ones only, by institution code
    (never by anything a score could influence)."""
    if not is_reviewer(user):
        return []
    return list(
        Assignment.objects.filter(entry__cycle=cycle, reviewer=user)
        .unconflicted()
        .select_related("entry__institution", "entry__hearing")
        .order_by("entry__institution__code")
    )


# --- the material of one institution --------------------------------------------------


@dataclass(frozen=True)
class PeerPosition:
    """The institution's rank among a group's institutions with a defined value (1 =
    best), and its quintile (1 = best fifth). `withheld` for a group too small to show
    to anyone but officials (SPEC §4: with the public registry it would name peers)."""

    group: str
    rank: int | None
    size: int
    quintile: int | None
    withheld: bool = False


@dataclass(frozen=True)
class MetricTrend:
    definition: MetricDefinition
    values: list[float | None]  # one per fiscal year of the table
    displays: list[str]
    is_yen: bool
    positions: list[PeerPosition] = field(default_factory=list)
    # Satisfaction metrics (issue #18): each year's source, 「自己申告」 or the survey; else empty.
    sources: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[float | None, str]]:
        return list(zip(self.values, self.displays, strict=True))

    @property
    def sourced_cells(self) -> list[tuple[float | None, str, str]]:
        sources = self.sources or [""] * len(self.values)
        return list(zip(self.values, self.displays, sources, strict=True))


@dataclass(frozen=True)
class Material:
    fiscal_years: list[int]
    trends: list[MetricTrend]
    reports: list[AnnualReport]
    groups: list[str] = field(default_factory=list)  # the peer groups, in column order

    @property
    def any_withheld(self) -> bool:
        return any(p.withheld for t in self.trends for p in t.positions)


def _position(
    group: str,
    values: dict[int, float],
    institution_id: int,
    higher: bool,
    *,
    withhold: bool,
    hidden: bool = False,
) -> PeerPosition:
    ranking = rank(values.items(), higher_is_better=higher, tie_order=lambda k: k)
    own = next((row.rank for row in ranking.rows if row.key == institution_id), None)
    size = ranking.ranked
    if hidden or (withhold and own is not None and is_withheld(size)):
        return PeerPosition(group, None, size, None, withheld=True)
    quintile = math.ceil(5 * own / size) if own and size else None
    return PeerPosition(group, own, size, quintile)


def material_of(entry: CycleEntry, *, user: User) -> Material:
    """The institution's named metrics for the cycle's year and the years before, its
    position among approved TLOs, its region and its type for the cycle's year (withheld
    from all but officials in a group of fewer than the small-group threshold), and the
    accepted reports this person may open. Four queries, five with a satisfaction metric.

    A satisfaction value says where it came from: self-reported, or the survey of the
    institution's customers with its size and response rate (an assigned reviewer sees
    the TLO's survey summary, issue #18)."""
    institution = entry.institution
    withhold = not is_official(user)
    year = entry.cycle.fiscal_year
    years = list(range(year - TREND_YEARS + 1, year + 1))
    definitions = list(MetricDefinition.objects.order_by("order", "code"))
    own: dict[tuple[int, int], float | None] = {
        (v.definition_id, v.fiscal_year): v.value
        for v in MetricValue.objects.filter(institution=institution, fiscal_year__in=years)
    }
    peers = MetricValue.objects.filter(
        fiscal_year=year,
        institution__kind=InstitutionKind.APPROVED_TLO,
        value__isnull=False,
    ).values_list(
        "definition_id",
        "institution_id",
        "value",
        "institution__region_id",
        "institution__tlo_type",
    )
    by_definition: dict[int, list[tuple[int, float, int | None, str]]] = defaultdict(list)
    for definition_id, institution_id, value, region_id, tlo_type in peers:
        by_definition[definition_id].append((institution_id, value, region_id, tlo_type))
    # Group positions follow the fixed tables for what this reader knows (issue #14): a
    # group needs the small-group threshold of institutions they do not know by name.
    tables = None
    if withhold:
        tables = year_tables(
            fiscal_year=year,
            kind=InstitutionKind.APPROVED_TLO,
            known=known_institution_ids(user) | {institution.pk},
        )
    cells = [(NATIONAL, "")]
    if institution.region_id:
        cells.append((REGION, institution.region.code))
    if institution.tlo_type:
        cells.append((TLO_TYPE, institution.tlo_type))
    labels = [str(_("approved TLOs"))]
    if institution.region_id:
        labels.append(local_name(institution.region))
    if institution.tlo_type:
        labels.append(str(institution.get_tlo_type_display()))
    trends = []
    sources = satisfaction_sources() if any(map(uses_satisfaction, definitions)) else None
    for definition in definitions:
        values = [own.get((definition.pk, y)) for y in years]
        if all(v is None for v in values):
            continue
        value_sources = []
        if sources is not None and uses_satisfaction(definition):
            value_sources = [
                "" if v is None else sources.source(institution.pk, y)
                for v, y in zip(values, years, strict=True)
            ]
        rows = by_definition.get(definition.pk, [])
        groups = [(labels[0], {i: v for i, v, _r, _t in rows})]
        if institution.region_id:
            groups.append((labels[1], {i: v for i, v, r, _t in rows if r == institution.region_id}))
        if institution.tlo_type:
            groups.append((labels[-1], {i: v for i, v, _r, t in rows if t == institution.tlo_type}))
        trends.append(
            MetricTrend(
                definition=definition,
                values=values,
                displays=[
                    format_value(v, definition.unit) if v is not None else "—" for v in values
                ],
                is_yen=definition.unit == MetricUnit.YEN,
                positions=[
                    _position(
                        label,
                        group,
                        institution.pk,
                        definition.higher_is_better,
                        withhold=withhold,
                        hidden=tables is not None
                        and not tables.distribution_shown(definition.code, *cell),
                    )
                    for (label, group), cell in zip(groups, cells, strict=True)
                ],
                sources=value_sources,
            )
        )
    reports = list(material_reports(entry, user=user)[:TREND_YEARS])
    return Material(fiscal_years=years, trends=trends, reports=reports, groups=labels)


def statement_of(entry: CycleEntry) -> HearingStatement | None:
    """The institution's statement with its support lines and attachments, if written."""
    return (
        HearingStatement.objects.filter(entry=entry)
        .prefetch_related("support_lines", "attachments")
        .first()
    )


def planned_on(cycle: ReviewCycle, stage: str) -> datetime.date | None:
    """The planned start of a stage (prefetched with the cycle by cycle_by_year)."""
    return next((p.planned_on for p in cycle.plans.all() if p.stage == stage), None)


def statement_initial(statement: HearingStatement | None) -> dict:
    """The statement form's initial values (version 0: nothing written yet)."""
    if statement is None:
        return {"version": 0}
    return {
        "version": statement.version,
        "regional_necessity": statement.regional_necessity,
        "improvement_plan": statement.improvement_plan,
        "regional_support": statement.regional_support,
    }


def support_initial(statement: HearingStatement | None) -> list[dict]:
    """The support lines' formset initial values."""
    if statement is None:
        return []
    return [{"provider": s.provider, "amount": s.amount} for s in statement.support_lines.all()]


def hearing_initial(hearing: Hearing | None) -> dict:
    """The hearing form's initial values (version 0: not scheduled yet)."""
    if hearing is None:
        return {"version": 0}
    return {
        "version": hearing.version,
        "date": hearing.date,
        "starts_at": hearing.starts_at,
        "ends_at": hearing.ends_at,
        "place": hearing.place,
        "online_url": hearing.online_url,
        "minutes": hearing.minutes,
        "attendees": list(hearing.attendees.all()),
    }


def hearing_attendee_choices(entry: CycleEntry) -> QuerySet[User]:
    """Who may attend the hearing: its assigned, unconflicted reviewers and the active
    officials not conflicted with the institution in this cycle."""
    reviewers = Assignment.objects.filter(entry=entry).unconflicted().values("reviewer")
    conflicted = Conflict.objects.active().filter(entry=entry).values("person")
    return (
        User.objects.filter(
            Q(pk__in=reviewers) | Q(pk__in=User.objects.officials().filter(is_active=True))
        )
        .exclude(pk__in=conflicted)
        .order_by("role", "ministry", "username")
    )


def hearing_of(entry: CycleEntry) -> Hearing | None:
    """The institution's hearing with its attendees, if scheduled."""
    return Hearing.objects.filter(entry=entry).prefetch_related(_attendees_in_order()).first()


def _attendees_in_order() -> Prefetch:
    """A hearing's attendees in a fixed order (role, ministry, user name): an order that
    followed the rows' storage would move a person who signs in, telling a co-reviewer."""
    return Prefetch("attendees", queryset=User.objects.order_by("role", "ministry", "username"))


# --- officials' views -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkloadLine:
    reviewer: User
    assigned: int
    submitted: int
    drafts: int
    conflicted: int


def workload(cycle: ReviewCycle) -> list[WorkloadLine]:
    """Each reviewer's assignments in the cycle and how far they are. Two queries."""
    reviewers = User.objects.reviewers().filter(is_active=True).order_by("ministry", "username")
    counts = {
        row["reviewer_id"]: row
        for row in Assignment.objects.filter(entry__cycle=cycle)
        .with_conflict_flag()
        .values("reviewer_id")
        .annotate(
            assigned=Count("id"),
            submitted=Count("id", filter=Q(score_state=ScoreState.SUBMITTED)),
            conflicted_count=Count("id", filter=Q(conflicted=True)),
        )
    }
    lines = []
    for reviewer in reviewers:
        row = counts.get(reviewer.pk, {"assigned": 0, "submitted": 0, "conflicted_count": 0})
        lines.append(
            WorkloadLine(
                reviewer=reviewer,
                assigned=row["assigned"],
                submitted=row["submitted"],
                drafts=row["assigned"] - row["submitted"],
                conflicted=row["conflicted_count"],
            )
        )
    return lines


@dataclass(frozen=True)
class Proposal:
    pairs: list[tuple[CycleEntry, User]]
    unfilled: list[tuple[CycleEntry, str, int]]
    loads: list[tuple[User, int]]
    balanced: bool

    @property
    def by_entry(self) -> list[tuple[CycleEntry, list[User], list[User]]]:
        """The pairs by institution (in code order): its proposed MEXT and METI reviewers."""
        grouped: dict[int, tuple[CycleEntry, list[User], list[User]]] = {}
        for entry, reviewer in self.pairs:
            row = grouped.setdefault(entry.pk, (entry, [], []))
            row[1 if reviewer.ministry == Ministry.MEXT else 2].append(reviewer)
        return sorted(grouped.values(), key=lambda row: row[0].institution.code)


def assignment_proposal(cycle: ReviewCycle) -> Proposal:
    """An automatic proposal: every institution gets the configured number of MEXT and
    METI reviewers, nobody conflicted, loads balanced. Nothing is written."""
    entries = {
        e.pk: e for e in cycle.entries.select_related("institution").order_by("institution__code")
    }
    reviewers = list(User.objects.reviewers().filter(is_active=True).order_by("username"))
    by_ministry: dict[str, list[int]] = defaultdict(list)
    for r in reviewers:
        by_ministry[r.ministry].append(r.pk)
    conflicts = list(
        Conflict.objects.active().filter(entry__cycle=cycle).values_list("entry_id", "person_id")
    )
    existing = list(
        Assignment.objects.filter(entry__cycle=cycle).values_list("entry_id", "reviewer_id")
    )
    result = propose_assignments(
        entries=list(entries),
        reviewers=by_ministry,
        needed={
            Ministry.MEXT: cycle.mext_reviewers_needed,
            Ministry.METI: cycle.meti_reviewers_needed,
        },
        existing=existing,
        conflicts=conflicts,
    )
    people = {r.pk: r for r in reviewers}
    balanced = all(loads_within_one_of_mean(result.loads, ids) for ids in by_ministry.values())
    return Proposal(
        pairs=[(entries[e], people[r]) for e, r in result.pairs],
        unfilled=[(entries[e], Ministry(m).label, n) for e, m, n in result.unfilled],
        loads=[(people[r], result.loads[r]) for r in people if r in result.loads],
        balanced=balanced,
    )


PAIR = re.compile(r"^([0-9]{1,12}):([0-9]{1,12})$")
MAX_PAIRS = 5000


def proposal_pairs(cycle: ReviewCycle, values: list[str]) -> list[tuple[CycleEntry, User]] | str:
    """The (institution, reviewer) pairs an applied proposal posted ("entry id:reviewer
    id"), or the first value that is not a pair of this cycle's institution and a person
    (a forged or mangled field). Two queries."""
    if len(values) > MAX_PAIRS:
        return str(len(values))
    parsed = []
    for value in values:
        match = PAIR.match(value)
        if match is None:
            return value
        parsed.append((int(match[1]), int(match[2]), value))
    entries = cycle.entries.select_related("institution", "cycle").in_bulk(
        [e for e, _r, _v in parsed]
    )
    people = User.objects.in_bulk([r for _e, r, _v in parsed])
    pairs = []
    for entry_id, reviewer_id, value in parsed:
        if entry_id not in entries or reviewer_id not in people:
            return value
        pairs.append((entries[entry_id], people[reviewer_id]))
    return pairs


def hearings_for(cycle: ReviewCycle, *, user: User) -> QuerySet[Hearing]:
    """Hearings this person may see in a list: every one for officials; for a reviewer
    those of their unconflicted assignments or that they attend."""
    hearings = (
        Hearing.objects.filter(entry__cycle=cycle)
        .select_related("entry__institution", "entry__cycle")
        .prefetch_related(_attendees_in_order())
        .order_by("date", "starts_at", "entry__institution__code")
    )
    if is_official(user):
        return hearings
    if is_reviewer(user):
        mine = Assignment.objects.filter(reviewer=user, entry__cycle=cycle).unconflicted()
        return hearings.filter(entry__in=mine.values("entry"))
    return hearings.none()


@dataclass(frozen=True)
class HearingSchedule:
    days: list[datetime.date]  # every day with a hearing this person may see
    chosen: datetime.date | None  # the day asked for, if it is one of them
    by_day: list[tuple[datetime.date, list[Hearing]]]  # the days shown, with their hearings


def hearing_schedule(cycle: ReviewCycle, *, user: User, day: str = "") -> HearingSchedule:
    """The hearings this person may see, by day; only `day` (YYYY-MM-DD) if it is one of
    them (anything else shows every day). Two queries."""
    hearings = list(hearings_for(cycle, user=user))
    days = sorted({h.date for h in hearings})
    try:
        chosen = datetime.date.fromisoformat(day[:10]) if day else None
    except ValueError:
        chosen = None
    if chosen not in days:
        chosen = None
    by_day = [
        (d, [h for h in hearings if h.date == d]) for d in days if chosen is None or d == chosen
    ]
    return HearingSchedule(days=days, chosen=chosen, by_day=by_day)
