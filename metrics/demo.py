"""Demo figures: annual reports for every active approved TLO, FY2005–FY2010.

The seed publishes no per-institution figures, so these are invented, from a fixed
seed number, and marked is_demo. The magnitudes follow the seed: the largest TLOs
earn a few hundred million yen of licence income a year, joint research brings about
¥2.5M per agreement, most TLOs spend more than they earn, national subsidies shrink
year by year. Every report comes with its licence detail sheet; the licence income
is the sum of the sheet, and a few agreements earn ¥10M or more (home runs).

The reports are stored accepted by the demo official (mext-official), as an import of
figures the ministries already hold would store them: never submitted, each accepted on
a weekday of the July after its fiscal year ends (fiscal year N runs from April N to
March N+1), drawn from the fixed seed too.

For the workflow demo, the tlo-utokyo account also gets a draft for FY2011, and the
ministries a collection round for FY2011 that expects the TLOs of that year.
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from institutions.models import Institution, User

from .enums import LicenseeKind, ReportAction, ReportState, RoundAction
from .models import AnnualReport, CollectionRound, LicenceAgreement
from .report_fields import REPORT_FIELDS_BY_CODE
from .selectors.coverage import existing_in
from .services import metric_values

DEMO_SEED = 20110401
DEMO_FISCAL_YEARS = range(2005, 2011)
DRAFT_INSTITUTION, DRAFT_FISCAL_YEAR, DRAFT_USERNAME = "TLO-UTTLO", 2011, "tlo-utokyo"
# The demo official (institutions.demo) accepts the demo reports and opens the round.
DEMO_OFFICIAL = "mext-official"

# A few TLOs known for their size get a larger scale than the random draw gives.
SCALE_OVERRIDES = {"TLO-UTTLO": 4.0, "TLO-KANSAI": 2.2, "TLO-TOHOKU": 2.0, "TLO-KYUSHU": 1.8}
MAX_LICENCE_ROWS = 40

TECHNOLOGIES = (
    ("医薬・バイオ", ("抗体医薬の製造方法", "診断用マーカー", "再生医療用培養基材", "創薬スクリーニング法")),
    ("材料", ("高強度軽量合金", "有機EL材料", "ナノ粒子触媒", "耐熱セラミックス")),
    ("IT・ソフトウェア", ("画像認識アルゴリズム", "暗号化通信方式", "音声合成ソフトウェア", "センサーネットワーク")),
    ("機械", ("小型精密アクチュエータ", "振動抑制装置", "ロボットハンド機構")),
    ("電気・電子", ("パワー半導体素子", "青色発光素子", "非接触給電回路")),
    ("環境・エネルギー", ("水処理膜", "バイオマス燃料製造法", "太陽電池セル構造")),
    ("農林水産・食品", ("機能性食品素材", "養殖魚の飼料", "植物工場の栽培法")),
)  # fmt: skip
LICENSEE_WEIGHTS = (
    (LicenseeKind.LARGE_COMPANY, 45),
    (LicenseeKind.SME, 35),
    (LicenseeKind.STARTUP, 12),
    (LicenseeKind.FOREIGN, 5),
    (LicenseeKind.OTHER, 3),
)


def _money(value: float) -> int:
    """Whole thousands of yen, as accounts are kept."""
    return max(0, round(value / 1000) * 1000)


def _licence_rows(rng: random.Random, *, count: int, scale: float, in_region_share: float):
    kinds, weights = zip(*LICENSEE_WEIGHTS, strict=True)
    rows = []
    for number in range(1, count + 1):
        field, technologies = rng.choice(TECHNOLOGIES)
        # Heavy-tailed: most agreements earn little, a few earn tens of millions.
        income = min(300_000 * scale**1.5 * rng.paretovariate(1.4), 100_000_000)
        rows.append(
            {
                "reference": f"L-{number:03d}",
                "technology": rng.choice(technologies),
                "field": field,
                "licensee_kind": rng.choices(kinds, weights)[0],
                "licensee_in_region": rng.random() < in_region_share,
                "exclusive": rng.random() < 0.25,
                "income": _money(income),
            }
        )
    return rows


def _institution_years(code: str):
    """Figures and licence rows for every demo fiscal year of one institution.

    One generator per institution, seeded by the institution's code, so that an
    institution's figures do not depend on which other institutions exist.
    """
    rng = random.Random(f"{DEMO_SEED}:{code}")
    scale = SCALE_OVERRIDES.get(code, min(max(math.exp(rng.gauss(-0.2, 0.6)), 0.25), 2.5))
    growth = rng.uniform(1.02, 1.12)
    licence_rate = rng.uniform(0.25, 0.9)
    in_region_share = rng.uniform(0.2, 0.7)
    has_regional_support = rng.random() < 0.6
    subsidy_base = rng.uniform(10e6, 40e6) * math.sqrt(scale)
    cumulative_applications = 0

    def noisy(value: float) -> float:
        return value * math.exp(rng.gauss(0, 0.15))

    for index, fiscal_year in enumerate(DEMO_FISCAL_YEARS):
        trend = growth**index
        applications = max(3, round(noisy(60 * scale * trend)))
        cumulative_applications += applications
        licences = max(1, round(noisy(applications * licence_rate)))
        rows = _licence_rows(
            rng,
            count=min(licences, MAX_LICENCE_ROWS),
            scale=scale,
            in_region_share=in_region_share,
        )
        licence_income = sum(row["income"] for row in rows)
        joint_research = max(2, round(noisy(60 * scale * trend)))
        derived = round(joint_research * rng.uniform(0.05, 0.2))
        staff = Decimal(str(round(noisy(3 + 7 * scale), 1)))
        personnel_costs = _money(float(staff) * rng.uniform(6e6, 7.5e6))
        commercialisations = round(licences * rng.uniform(0.03, 0.15))
        startups = rng.choices((0, 1, 2, 3), (55, 30, 10, 5))[0]
        figures = {
            "joint_research_count": joint_research,
            "joint_research_income": _money(joint_research * rng.uniform(2.2e6, 2.8e6)),
            "derived_research_count": derived,
            "patent_applications": applications,
            "patents_granted": round(applications * rng.uniform(0.2, 0.5)),
            "licences_granted": licences,
            "licence_income": licence_income,
            "personnel_costs": personnel_costs,
            "patent_costs": _money(applications * rng.uniform(0.35e6, 0.6e6)),
            "other_costs": _money(rng.uniform(5e6, 25e6) * math.sqrt(scale)),
            "other_income": _money(personnel_costs * rng.uniform(0, 0.25)),
            "national_subsidies": _money(subsidy_base * max(0.0, 1 - 0.15 * index)),
            "regional_support": _money(rng.uniform(1e6, 15e6)) if has_regional_support else 0,
            "commercialisations": commercialisations,
            "startups_founded": startups,
            "jobs_created": startups * rng.randint(2, 8) + commercialisations * rng.randint(0, 3),
            "licensed_product_sales": _money(licence_income * rng.uniform(20, 50)),
            "induced_research_count": round(derived * rng.uniform(0.5, 1.5)),
            "survey_responses": rng.randint(5, 40),
            "satisfaction_desk": _score(rng),
            "satisfaction_contracting": _score(rng),
            "satisfaction_ip_handling": _score(rng),
            "staff_fte": staff,
        }
        yield fiscal_year, figures, rows


def _score(rng: random.Random) -> Decimal:
    return Decimal(str(round(rng.uniform(2.8, 4.7), 2)))


def acceptance_time(code: str, fiscal_year: int) -> datetime.datetime:
    """When the demo official accepted a report: a weekday of the July after the fiscal
    year ends, in office hours (Japan time). Its own generator, so that the figures do
    not depend on it."""
    rng = random.Random(f"{DEMO_SEED}:{code}:{fiscal_year}:accepted")
    days = [
        day
        for day in (datetime.date(fiscal_year + 1, 7, d) for d in range(1, 32))
        if day.weekday() < 5
    ]
    day = rng.choice(days)
    moment = datetime.datetime(day.year, day.month, day.day, rng.randint(9, 17), rng.randint(0, 59))
    return timezone.make_aware(moment)


@transaction.atomic
def load_demo_reports() -> str:
    """Add the demo reports that do not exist yet; returns a line for the command's output.

    Needs the demo official (institutions.demo, which load_demo runs first). Idempotent:
    a report that exists for an institution and fiscal year (demo or real) is left alone,
    so a second run changes nothing. Side effects, in order: the demo reports are stored
    accepted by the demo official (acceptance_time), with their licence rows, and one
    history record each by the official at that time; the FY2011 draft of the demo TLO
    account is stored; the FY2011 collection round is opened by the demo official; a
    metric recompute is queued for what was added.
    """
    official = User.objects.officials().filter(username=DEMO_OFFICIAL).first()
    if official is None:
        raise LookupError(
            f"The demo reports are accepted by the demo official {DEMO_OFFICIAL}: create the "
            "demo accounts first (python manage.py load_demo does)."
        )
    institutions = list(Institution.objects.approved_tlos().active().order_by("code"))
    existing = set(
        AnnualReport.objects.filter(institution__in=institutions).values_list(
            "institution_id", "fiscal_year"
        )
    )
    reports, sheets = [], []
    for institution in institutions:
        for fiscal_year, figures, rows in _institution_years(institution.code):
            if institution.approval_fy and fiscal_year < institution.approval_fy:
                continue
            if (institution.pk, fiscal_year) in existing:
                continue
            accepted_at = acceptance_time(institution.code, fiscal_year)
            report = AnnualReport(
                institution=institution,
                fiscal_year=fiscal_year,
                state=ReportState.ACCEPTED,
                accepted_at=accepted_at,
                accepted_by=official,
                is_demo=True,
                **figures,
            )
            report._history_date = accepted_at  # read by django-simple-history
            reports.append(report)
            sheets.append(rows)
    reports = bulk_create_with_history(
        reports,
        AnnualReport,
        default_user=official,
        default_change_reason=ReportAction.ACCEPT_BY_IMPORT.value,
    )
    licences = [
        LicenceAgreement(report=report, **row)
        for report, rows in zip(reports, sheets, strict=True)
        for row in rows
    ]
    bulk_create_with_history(licences, LicenceAgreement, batch_size=1000, default_user=official)
    draft_created = _load_demo_draft()
    round_opened = _load_demo_round(official)
    if reports:
        metric_values.queue_recompute(
            institution_ids=sorted({r.institution_id for r in reports}),
            fiscal_years=sorted({r.fiscal_year for r in reports}),
        )
    return (
        f"Demo annual reports: {len(reports)} added ({len(licences)} licence rows), "
        f"{len(existing)} already present"
        + (f"; draft FY{DRAFT_FISCAL_YEAR} for {DRAFT_USERNAME} added" if draft_created else "")
        + (f"; collection round FY{DRAFT_FISCAL_YEAR} opened." if round_opened else ".")
    )


# The demo's collection round: FY2011, asked of the TLOs of that year, as the ministries
# would have in spring 2012. Its dates are long past, so no reminder ever goes out.
DEMO_ROUND_OPENS, DEMO_ROUND_DEADLINE = datetime.date(2012, 4, 2), datetime.date(2012, 6, 29)


def _load_demo_round(official: User) -> bool:
    """The FY2011 collection round, so that the status page and the home pages have one."""
    if CollectionRound.objects.filter(fiscal_year=DRAFT_FISCAL_YEAR).exists():
        return False
    collection_round = CollectionRound(
        fiscal_year=DRAFT_FISCAL_YEAR,
        opens_on=DEMO_ROUND_OPENS,
        deadline=DEMO_ROUND_DEADLINE,
        created_by=official,
    )
    collection_round._history_user = official
    collection_round._change_reason = RoundAction.OPEN.value
    collection_round.save()
    collection_round.expected.set(existing_in(DRAFT_FISCAL_YEAR))
    return True


def _load_demo_draft() -> bool:
    """A half-filled draft, so that the demo TLO account can try the workflow."""
    institution = Institution.objects.filter(code=DRAFT_INSTITUTION).first()
    if institution is None:
        return False
    if AnnualReport.objects.filter(institution=institution, fiscal_year=DRAFT_FISCAL_YEAR).exists():
        return False
    *_, (_, last_year, _) = _institution_years(DRAFT_INSTITUTION)
    rng = random.Random(f"{DEMO_SEED}:{DRAFT_INSTITUTION}:draft")
    partial = {code: _vary(code, last_year[code], rng) for code in _DRAFT_FIELDS}
    draft = AnnualReport(
        institution=institution,
        fiscal_year=DRAFT_FISCAL_YEAR,
        state=ReportState.DRAFT,
        is_demo=True,
        **partial,
    )
    draft._history_user = User.objects.filter(username=DRAFT_USERNAME).first()
    draft._change_reason = ReportAction.CREATE.value
    draft.save()
    return True


def _vary(code: str, value: int | Decimal, rng: random.Random) -> int | Decimal:
    """Last year's figure, a little different."""
    factor = rng.uniform(0.9, 1.15)
    if isinstance(value, Decimal):
        return Decimal(str(round(float(value) * factor, 1)))
    if REPORT_FIELDS_BY_CODE[code].is_amount:
        return _money(value * factor)
    return round(value * factor)


# The draft has the figures a TLO knows early in the year; the rest is still to come.
_DRAFT_FIELDS = (
    "joint_research_count",
    "joint_research_income",
    "patent_applications",
    "patents_granted",
    "licences_granted",
    "personnel_costs",
    "patent_costs",
    "staff_fte",
)
