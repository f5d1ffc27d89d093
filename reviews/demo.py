"""Demo review cycles (load_demo's DEMO_STEPS): FY2009 published, FY2010 in deliberation.

Built through the same services as the pages, by the demo officials, reviewers and TLO
staff, so that the history reads as if people had done it. Deterministic (no random
numbers: the scores come from fixed tables). Idempotent: a cycle that exists is left as
it is.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from core.versions import NEW
from institutions.models import Institution, Partnership, User

from .demo_consequences import add_consequences
from .enums import ConflictKind, CycleAction, Recommendation, SupportTier
from .models import Assignment, CycleEntry, HearingStatement, ReviewCycle, SupportLine
from .services import assignments, conflicts, cycles, decisions, hearings, scores, statements

CODES = (
    "TLO-UTTLO",
    "TLO-KANSAI",
    "TLO-TOHOKU",
    "TLO-KYUSHU",
    "TLO-YAMAGUCHI",
    "TLO-KUMAMOTO",
    "TLO-OITA",
    "TLO-TITECH",
)
CRITERIA = ("model_activity", "regional_necessity", "self_improvement", "regional_support")

# Scores per institution and reviewer (model, necessity, self-help, regional support).
# TLO-UTTLO: one MEXT and three METI reviewers, who differ on regional necessity.
SCORES_2010: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "TLO-UTTLO": {
        "mext-reviewer": (5, 5, 4, 3),
        "meti-reviewer": (5, 2, 4, 3),
        "meti-reviewer-2": (4, 3, 3, 3),
        "meti-reviewer-3": (5, 2, 4, 2),
    },
    "TLO-KANSAI": {
        "mext-reviewer": (4, 4, 4, 4),
        "meti-reviewer": (4, 3, 4, 4),
        "meti-reviewer-2": (3, 4, 4, 3),
    },
    "TLO-TOHOKU": {"mext-reviewer-2": (3, 5, 4, 4), "meti-reviewer": (2, 4, 4, 4)},
    "TLO-KYUSHU": {"mext-reviewer-2": (3, 4, 3, 3), "meti-reviewer-2": (3, 3, 3, 3)},
    "TLO-YAMAGUCHI": {"mext-reviewer": (2, 4, 4, 4), "meti-reviewer-3": (2, 4, 3, 4)},
    "TLO-KUMAMOTO": {"mext-reviewer-2": (2, 3, 2, 2), "meti-reviewer-3": (2, 3, 3, 2)},
    "TLO-OITA": {"mext-reviewer": (1, 3, 2, 2), "meti-reviewer": (2, 2, 2, 3)},
    "TLO-TITECH": {"mext-reviewer-2": (4, 3, 3, 3), "meti-reviewer-3": (3, 3, 3, 2)},
}
# The late reviewer: their scores on these stay drafts (and one is only half filled).
LATE_2010 = {("TLO-TITECH", "meti-reviewer-3"), ("TLO-KUMAMOTO", "meti-reviewer-3")}

# FY2009: every institution one MEXT and one METI reviewer, all submitted.
SCORES_2009: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "TLO-UTTLO": {"mext-reviewer": (5, 4, 4, 3), "meti-reviewer": (5, 3, 4, 3)},
    "TLO-KANSAI": {"mext-reviewer": (4, 4, 3, 4), "meti-reviewer-2": (4, 4, 4, 4)},
    "TLO-TOHOKU": {"mext-reviewer": (3, 5, 4, 4), "meti-reviewer-3": (3, 4, 4, 4)},
    "TLO-KYUSHU": {"mext-reviewer-2": (3, 4, 3, 3), "meti-reviewer": (3, 3, 3, 3)},
    "TLO-YAMAGUCHI": {"mext-reviewer": (2, 4, 4, 4), "meti-reviewer-2": (2, 4, 3, 4)},
    "TLO-KUMAMOTO": {"mext-reviewer-2": (2, 3, 2, 2), "meti-reviewer-3": (2, 3, 2, 3)},
    "TLO-OITA": {"mext-reviewer": (1, 3, 2, 2), "meti-reviewer": (2, 2, 2, 2)},
    "TLO-TITECH": {"mext-reviewer-2": (4, 3, 3, 3), "meti-reviewer-3": (4, 3, 3, 3)},
}

DECISIONS_2009 = {
    "TLO-UTTLO": (
        SupportTier.PRIORITISED,
        Recommendation.CONTINUE,
        "ライセンス収入・ホームラン特許とも全国有数であり、営業面で他機関の模範となっている。",
    ),
    "TLO-KANSAI": (
        SupportTier.STANDARD,
        Recommendation.WIDER_AREA,
        "近畿圏の複数大学を支える広域型として実績があり、さらなる広域化を期待する。",
    ),
    "TLO-TOHOKU": (
        SupportTier.STANDARD,
        Recommendation.CONTINUE,
        "収支は赤字だが、東北地域での必要性が明確であり、自治体の支援も得ている。",
    ),
    "TLO-KYUSHU": (
        SupportTier.CONDITIONAL,
        Recommendation.SPECIALISE,
        "得意分野への専門化による収益改善を条件に支援を継続する。",
    ),
    "TLO-YAMAGUCHI": (
        SupportTier.STANDARD,
        Recommendation.CONTINUE,
        "赤字ではあるが地域からの支援と自助努力が認められる。",
    ),
    "TLO-KUMAMOTO": (
        SupportTier.CONDITIONAL,
        Recommendation.WIDER_AREA,
        "九州地域の他機関との連携による広域化を条件とする。",
    ),
    "TLO-OITA": (
        SupportTier.NONE,
        Recommendation.INTERNALISE,
        "事業規模が小さく、大学内部への統合(内部化)が適当である。",
    ),
    "TLO-TITECH": (
        SupportTier.STANDARD,
        Recommendation.CONTINUE,
        "内部型として大学の知財活動と一体的に運営されている。",
    ),
}
DECISIONS_2010 = {
    "TLO-KANSAI": (
        SupportTier.PRIORITISED,
        Recommendation.WIDER_AREA,
        "広域型の模範として、近畿圏全体の技術移転の拠点化を支援する。",
    ),
    "TLO-TOHOKU": (
        SupportTier.STANDARD,
        Recommendation.CONTINUE,
        "赤字が続くが、地域における必要性と自治体・地元産業界の支援が明確である。",
    ),
    "TLO-OITA": (
        SupportTier.CONDITIONAL,
        Recommendation.MERGE,
        "近隣の広域型TLOとの統合・合併を前提に、移行期間の支援を行う。",
    ),
}

COMMENT_OPENINGS = {
    "model_activity": (
        "ライセンス収入の伸びが",
        "営業体制について、",
        "大型案件の獲得状況は",
        "企業との接点づくりは",
    ),
    "regional_necessity": (
        "地域の中小企業にとって",
        "県内に代替機関がなく",
        "地元大学との連携から見て",
        "地域産業の構成を踏まえると",
    ),
    "self_improvement": (
        "経費削減の取組は",
        "改善計画の具体性は",
        "人員配置の見直しは",
        "収支改善の見通しは",
    ),
    "regional_support": (
        "自治体からの補助は",
        "地元経済団体の支援は",
        "地域金融機関との連携は",
        "県・市の支援体制は",
    ),
}
COMMENT_VERDICTS = {
    1: "ほとんど認められず、抜本的な見直しが必要である。",
    2: "不十分であり、改善の余地が大きい。",
    3: "標準的な水準にある。",
    4: "十分に評価できる。",
    5: "特に優れており、他機関の模範となる水準である。",
}


def _comment(institution: Institution, reviewer_index: int, criterion: str, value: int) -> str:
    opening = COMMENT_OPENINGS[criterion][reviewer_index % 4]
    return f"{institution.name_ja}:{opening}{COMMENT_VERDICTS[value]}"


def _people() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__contains="-")}


def _statement(entry: CycleEntry, staff: User | None, year: int) -> None:
    name = entry.institution.name_ja
    region = entry.institution.region.name_ja if entry.institution.region else "地域"
    texts = {
        "regional_necessity": f"{name}は{region}の大学・高専の研究成果を地元企業へ移転する窓口であり、{year}年度は地域内企業へのライセンスが全体の約半数を占めた。",
        "improvement_plan": f"{year + 1}年度から特許出願の選別を厳格化し、特許関係費を1割削減する。営業担当を1名増員し、大型案件の発掘に注力する。",
        "regional_support": "自治体と地元経済団体から運営費の補助を受けている。",
    }
    lines = [
        statements.SupportInput("県産業振興財団", 12_000_000 + 1_000_000 * (entry.pk % 5)),
        statements.SupportInput("地元商工会議所", 3_000_000),
    ]
    if staff is not None:
        statements.save_statement(
            actor=staff, entry=entry, support_lines=lines, expected_version=NEW, **texts
        )
        return
    statement = HearingStatement.objects.create(entry=entry, **texts)
    SupportLine.objects.bulk_create(
        [SupportLine(statement=statement, provider=s.provider, amount=s.amount) for s in lines]
    )


def _hearings(entries: list[CycleEntry], official: User, days: tuple[datetime.date, datetime.date]):
    for index, entry in enumerate(entries):
        day = days[index % 2]
        start = datetime.time(10 + (index // 2), 0)
        reviewers = [
            a.reviewer for a in Assignment.objects.filter(entry=entry).select_related("reviewer")
        ]
        hearings.schedule_hearing(
            actor=official,
            entry=entry,
            date=day,
            starts_at=start,
            ends_at=datetime.time(start.hour, 50),
            place="文部科学省 第1会議室" if day == days[0] else "",
            online_url="" if day == days[0] else "https://meet.example.com/tlo-hearing",
            attendees=[*reviewers, official],
            minutes=f"{entry.institution.name_ja}より事業概要と改善計画の説明があり、質疑を行った。",
            expected_version=NEW,
        )


def _score_all(
    cycle: ReviewCycle,
    table: dict[str, dict[str, tuple[int, int, int, int]]],
    people: dict[str, User],
    late: set[tuple[str, str]],
) -> None:
    entries = {e.institution.code: e for e in cycle.entries.select_related("institution", "cycle")}
    for code, by_reviewer in table.items():
        for index, (username, values) in enumerate(by_reviewer.items()):
            assignment = Assignment.objects.get(entry=entries[code], reviewer=people[username])
            data = {
                criterion: scores.ScoreInput(
                    value, _comment(entries[code].institution, index, criterion, value)
                )
                for criterion, value in zip(CRITERIA, values, strict=True)
            }
            is_late = (code, username) in late
            if is_late and code == "TLO-KUMAMOTO":  # half filled
                data = {c: d for c, d in data.items() if c in CRITERIA[:2]}
            scores.record_scores(
                actor=people[username], assignment=assignment, scores=data, submit=not is_late
            )


def _assign(cycle: ReviewCycle, table, people: dict[str, User], official: User) -> None:
    entries = {e.institution.code: e for e in cycle.entries.select_related("institution", "cycle")}
    assignments.assign_reviewers(
        actor=official,
        cycle=cycle,
        pairs=[(entries[code], people[u]) for code, by in table.items() for u in by],
    )


def _decide(
    cycle: ReviewCycle, table, people: dict[str, User], approvals: dict[str, tuple[str, ...]]
):
    entries = {e.institution.code: e for e in cycle.entries.select_related("institution", "cycle")}
    partner = Institution.objects.filter(code="TLO-KUMAMOTO").first()
    for code, (tier, recommendation, rationale) in table.items():
        decision = decisions.save_decision(
            actor=people["mext-official"],
            entry=entries[code],
            tier=tier,
            recommendation=recommendation,
            merge_partner=partner if recommendation == Recommendation.MERGE else None,
            rationale=rationale,
            expected_version=NEW,
        )
        for username in approvals.get(code, ("mext-official", "meti-official")):
            decision = decisions.approve_decision(
                actor=people[username], decision=decision, expected_version=decision.version
            )


def _cycle(year: int, people: dict[str, User]) -> ReviewCycle:
    institutions = list(Institution.objects.filter(code__in=CODES).order_by("code"))
    plans = {
        "planning": datetime.date(year, 10, 1),
        "statements": datetime.date(year, 11, 1),
        "scoring": datetime.date(year, 12, 1),
        "deliberation": datetime.date(year + 1, 2, 1),
        "decided": datetime.date(year + 1, 3, 1),
        "published": datetime.date(year + 1, 3, 20),
    }
    return cycles.create_cycle(
        actor=people["mext-official"], fiscal_year=year, institutions=institutions, planned=plans
    )


def _staff_of(entry: CycleEntry) -> User | None:
    return entry.institution.staff.filter(username__startswith="tlo-").first()


def _run_cycle(year: int, people: dict[str, User], *, table, late, decided, approvals, finish):
    official = people["mext-official"]
    cycle = _cycle(year, people)
    if year == 2010:
        # A declared conflict, before assignment: mext-reviewer-2 with TLO-KANSAI.
        kansai = Institution.objects.get(code="TLO-KANSAI")
        conflicts.declare_conflict(
            actor=people["mext-reviewer-2"],
            entry=cycle.entries.get(institution=kansai),
            kind=ConflictKind.PERSONAL,
            reason="関西ティー・エル・オーの役員と親族関係にあるため。",
        )
        university = Partnership.objects.filter(tlo=kansai).select_related("university").first()
        if university is not None:
            conflicts.add_affiliation(
                actor=official, person=people["mext-reviewer-2"], institution=university.university
            )
    _assign(cycle, table, people, official)
    cycles.change_stage(actor=official, cycle=cycle, action=CycleAction.OPEN_STATEMENTS)
    entries = list(
        cycle.entries.select_related("institution__region", "cycle").order_by("institution__code")
    )
    for entry in entries:
        _statement(entry, _staff_of(entry), year)
    _hearings(entries, official, (datetime.date(year + 1, 1, 20), datetime.date(year + 1, 1, 21)))
    cycles.change_stage(actor=official, cycle=cycle, action=CycleAction.OPEN_SCORING)
    _score_all(cycle, table, people, late)
    cycles.change_stage(actor=official, cycle=cycle, action=CycleAction.START_DELIBERATION)
    _decide(cycle, decided, people, approvals)
    add_consequences(cycle, people)
    if finish:
        cycles.change_stage(actor=official, cycle=cycle, action=CycleAction.CLOSE_DECISIONS)
        cycles.change_stage(actor=official, cycle=cycle, action=CycleAction.PUBLISH)
    return cycle


@transaction.atomic
def load_demo_reviews() -> str:
    """Add the demo cycles that do not exist yet; returns a line for the command's output."""
    people = _people()
    needed = {
        "mext-official",
        "meti-official",
        "mext-reviewer",
        "meti-reviewer",
        "mext-reviewer-2",
        "meti-reviewer-2",
        "meti-reviewer-3",
    }
    if not needed <= set(people) or Institution.objects.filter(code__in=CODES).count() < len(CODES):
        return "Demo reviews: skipped (demo accounts or registry missing)."
    added = []
    if not ReviewCycle.objects.filter(fiscal_year=2009).exists():
        _run_cycle(
            2009,
            people,
            table=SCORES_2009,
            late=set(),
            decided=DECISIONS_2009,
            approvals={},
            finish=True,
        )
        added.append("FY2009 (published)")
    if not ReviewCycle.objects.filter(fiscal_year=2010).exists():
        _run_cycle(
            2010,
            people,
            table=SCORES_2010,
            late=LATE_2010,
            decided=DECISIONS_2010,
            approvals={"TLO-TOHOKU": ("mext-official",), "TLO-OITA": ()},
            finish=False,
        )
        added.append("FY2010 (deliberation)")
    return f"Demo reviews: {', '.join(added) if added else 'nothing to add'}."
