"""The default metric definitions: SPEC §4's table, all of it, with the seed's sources.

Loaded by `python manage.py load_metric_definitions` (metrics.services.metric_values.
load_default_definitions, which puts back any definition an administrator changed).
Plain data: no models here. Migration 0003 loaded a frozen copy of these as they were
then; change them here, never there.
"""

from __future__ import annotations

from .calculations import LICENCE_ROWS, LICENCE_ROWS_HOME_RUN, LICENCE_ROWS_IN_REGION
from .enums import Combination, MetricUnit, Window

# 参考2-1 and 対策1 of the seed (000_c45118cde7e35871.txt).
SEED_REFERENCE_2_1 = "参考2-1「TLO活動の評価指標の試算例」"
SEED_MEASURE_1 = "対策1「大学知財部・TLOの活動・効果の見える化」今後検討すべき指標"

# Licence income in the year from which a licence counts as a home run, until a review
# cycle sets its own (SPEC §4: default ¥10,000,000).
DEFAULT_HOME_RUN_THRESHOLD = 10_000_000

COSTS = ["personnel_costs", "patent_costs"]
ALL_COSTS = ["personnel_costs", "patent_costs", "other_costs"]
EARNED_INCOME = ["licence_income", "other_income"]
SATISFACTION = ["satisfaction_desk", "satisfaction_contracting", "satisfaction_ip_handling"]


def _definition(code: str, name_ja: str, name_en: str, **fields) -> dict:
    defaults = {
        "nickname": "",
        "combination": Combination.RATIO.value,
        "numerator_window": Window.YEAR.value,
        "denominator_terms": [],
        "denominator_window": Window.YEAR.value,
        "follows_lineage": False,
        "home_run_threshold": None,
        "higher_is_better": True,
        "description_ja": "",
        "description_en": "",
        "seed_source": SEED_MEASURE_1,
    }
    return {"code": code, "name_ja": name_ja, "name_en": name_en, **defaults, **fields}


DEFAULT_DEFINITIONS: tuple[dict, ...] = (
    _definition(
        "return_on_cost",
        "収益率",
        "return on cost",
        nickname="打点",
        numerator_terms=["licence_income"],
        denominator_terms=COSTS,
        unit=MetricUnit.PERCENT.value,
        description_ja="ライセンス収入が人件費と特許関係費をどれだけ賄ったか(ライセンス収入の費用対効果)。",
        description_en="How far licence income covered personnel and patent-related costs.",
        seed_source=f"{SEED_REFERENCE_2_1}: 収益率(打点) = ライセンス収入 / (人件費 + 特許関係費)",
    ),
    _definition(
        "commercialisation_rate",
        "事業化率",
        "commercialisation rate",
        nickname="ホームラン率",
        numerator_terms=["commercialisations"],
        denominator_terms=["licences_granted"],
        denominator_window=Window.CUMULATIVE.value,
        follows_lineage=True,
        unit=MetricUnit.PERCENT.value,
        description_ja=(
            "その年度の事業化件数を、最初の報告からその年度までのライセンス件数の累計で割った値"
            "(一ライセンスあたりの事業化件数)。統合・内部化した機関は前身機関の累計を含む。"
        ),
        description_en=(
            "Commercialisations in the year over licences granted from the first report up to "
            "the year. An institution that absorbed others counts their licences too."
        ),
        seed_source=(
            f"{SEED_REFERENCE_2_1}: 事業化率(ホームラン率) = 事業化件数 / ライセンス件数(累計)"
        ),
    ),
    _definition(
        "licence_rate",
        "ライセンス許諾率",
        "licence rate",
        nickname="打率",
        numerator_terms=["licences_granted"],
        denominator_terms=["patent_applications"],
        unit=MetricUnit.PERCENT.value,
        description_ja="一出願あたりのライセンス件数。",
        description_en="Licences granted per patent application.",
        seed_source=f"{SEED_REFERENCE_2_1}: ライセンス許諾率(打率) = ライセンス件数 / 出願件数",
    ),
    _definition(
        "home_run_licences",
        "ホームラン特許件数",
        "home-run licences",
        combination=Combination.TOTAL.value,
        numerator_terms=[LICENCE_ROWS_HOME_RUN],
        home_run_threshold=DEFAULT_HOME_RUN_THRESHOLD,
        unit=MetricUnit.COUNT.value,
        description_ja=(
            "ライセンス明細のうち、その年度の収入がしきい値(既定1,000万円、審査ごとに設定)"
            "以上の案件の数(高額ライセンス収入案件)。"
        ),
        description_en=(
            "Licence detail rows whose income in the year reaches the threshold (¥10,000,000 "
            "unless a review cycle sets another)."
        ),
        seed_source=f"{SEED_MEASURE_1}: ホームラン特許件数(高額ライセンス収入案件)",
    ),
    _definition(
        "grant_rate",
        "特許取得率",
        "grant rate",
        numerator_terms=["patents_granted"],
        denominator_terms=["patent_applications"],
        unit=MetricUnit.PERCENT.value,
        description_ja="その年度の特許取得件数を特許出願件数で割った値。",
        description_en="Patents granted in the year over patent applications in the year.",
        seed_source=f"{SEED_MEASURE_1}: ◆技術の知財権化(特許出願件数・特許取得件数)",
    ),
    _definition(
        "income_per_licence",
        "1件あたりライセンス収入",
        "income per licence",
        numerator_terms=["licence_income"],
        denominator_terms=["licences_granted"],
        unit=MetricUnit.YEN.value,
        description_ja="ライセンス収入をライセンス件数で割った値。",
        description_en="Licence income over licences granted.",
        seed_source=f"{SEED_MEASURE_1}: ◆企業の実施許諾(ライセンス件数・ライセンス収入)",
    ),
    _definition(
        "joint_research_income_per_agreement",
        "共同研究1件あたり受入額",
        "joint research income per agreement",
        numerator_terms=["joint_research_income"],
        denominator_terms=["joint_research_count"],
        unit=MetricUnit.YEN.value,
        description_ja="共同研究受入額を共同研究件数で割った値。資料では約250万円のまま増加していない。",
        description_en=(
            "Joint research income over joint research agreements; the seed notes it stayed "
            "near ¥2.5 million."
        ),
        seed_source="共同研究一件当たりの額は約250万円のまま、増加していない。",
    ),
    _definition(
        "derived_research_ratio",
        "派生研究率",
        "derived research ratio",
        numerator_terms=["derived_research_count"],
        denominator_terms=["joint_research_count"],
        unit=MetricUnit.PERCENT.value,
        description_ja="前の共同研究から導かれた他の研究件数を共同研究件数で割った値。",
        description_en="Research derived from earlier joint research, per joint research agreement.",
        seed_source=f"{SEED_MEASURE_1}: ◆技術の創出段階 前の共同研究から導かれた他の研究件数",
    ),
    _definition(
        "induced_research_count",
        "誘導件数",
        "induced research",
        combination=Combination.TOTAL.value,
        numerator_terms=["induced_research_count"],
        unit=MetricUnit.COUNT.value,
        description_ja="次の研究・他の共同研究へ誘導した件数。",
        description_en="New research or joint research induced in the year.",
        seed_source=f"{SEED_MEASURE_1}: ◆学内への貢献・波及 次の研究、他の共同研究への誘導度",
    ),
    _definition(
        "startups_founded",
        "ベンチャー数",
        "start-ups founded",
        combination=Combination.TOTAL.value,
        numerator_terms=["startups_founded"],
        unit=MetricUnit.COUNT.value,
        description_ja="その年度に設立された大学発ベンチャーの数。",
        description_en="University start-ups founded in the year.",
        seed_source=f"{SEED_MEASURE_1}: ◆企業による実用化・市場化",
    ),
    _definition(
        "jobs_created",
        "雇用創出数",
        "jobs created",
        combination=Combination.TOTAL.value,
        numerator_terms=["jobs_created"],
        unit=MetricUnit.COUNT.value,
        description_ja="その年度の雇用創出数。",
        description_en="Jobs created in the year.",
        seed_source=f"{SEED_MEASURE_1}: 雇用創出効果",
    ),
    _definition(
        "social_return",
        "社会・地域への投資対効果",
        "social and regional return",
        numerator_terms=["licensed_product_sales"],
        denominator_terms=["national_subsidies", "regional_support"],
        unit=MetricUnit.RATIO.value,
        description_ja="実施製品売上高を、国からの補助金と地域からの支援額の合計で割った値(倍)。",
        description_en=(
            "Sales of products using licensed technology over public support received, "
            "national and regional (times)."
        ),
        seed_source=f"{SEED_MEASURE_1}: 社会・地域への投資対効果",
    ),
    _definition(
        "operating_balance",
        "経営収支",
        "operating balance",
        combination=Combination.DIFFERENCE.value,
        numerator_terms=EARNED_INCOME,
        denominator_terms=ALL_COSTS,
        unit=MetricUnit.YEN.value,
        description_ja=(
            "(ライセンス収入 + その他事業収入) − (人件費 + 特許関係費 + その他経費)。"
            "0以上なら黒字、0未満なら赤字。"
        ),
        description_en=(
            "Earned income less costs; a surplus (黒字) when zero or more, a deficit (赤字) "
            "below zero."
        ),
        seed_source="参考2-1: 承認TLO(46機関)の経営状況をみると、黒字経営している機関は一握り程度。",
    ),
    _definition(
        "self_sufficiency",
        "自立度",
        "self-sufficiency",
        numerator_terms=EARNED_INCOME,
        denominator_terms=ALL_COSTS,
        unit=MetricUnit.PERCENT.value,
        description_ja="事業収入(ライセンス収入 + その他事業収入)で経費をどれだけ賄ったか。",
        description_en="How far earned income covered all costs.",
        seed_source="各機関が産学連携活動を自立して実施できるようにする(両省共通の政策目標)",
    ),
    _definition(
        "satisfaction_index",
        "顧客満足度",
        "satisfaction index",
        combination=Combination.MEAN.value,
        numerator_terms=SATISFACTION,
        unit=MetricUnit.SCORE.value,
        description_ja=(
            "満足度(窓口・契約手続き・知財の取扱い)の三つの平均(1〜5)。最初の顧客調査の年度からは"
            "TLOの顧客(ライセンス先・共同研究先等)への調査の回答から算出し(「該当しない」を除く"
            "各項目の平均の平均、回答5件以上の場合のみ)、それ以前の年度はTLOが年次報告に記入した"
            "自己申告の評点による。"
        ),
        description_en=(
            "Mean of the three satisfaction scores (1–5). From the fiscal year of the first "
            "customer survey on, from the answers of the TLO's customers (licensees, joint "
            "research partners): the mean of each question's mean, 「該当しない」 left out, "
            "only with at least 5 answers; earlier years, the scores the TLO reported about "
            "itself (self-reported)."
        ),
        seed_source=(f"{SEED_MEASURE_1}: 顧客満足度的な指標(窓口・契約手続き、知財の取扱い面 等)"),
    ),
    _definition(
        "licences_per_staff",
        "職員1人あたりライセンス件数",
        "licences per staff member",
        numerator_terms=["licences_granted"],
        denominator_terms=["staff_fte"],
        unit=MetricUnit.RATIO.value,
        description_ja="ライセンス件数を職員数(常勤換算)で割った値。",
        description_en="Licences granted per full-time-equivalent staff member.",
        seed_source=f"{SEED_MEASURE_1}: ◆企業の実施許諾",
    ),
    _definition(
        "regional_licensee_share",
        "地域内ライセンス比率",
        "regional licensee share",
        numerator_terms=[LICENCE_ROWS_IN_REGION],
        denominator_terms=[LICENCE_ROWS],
        unit=MetricUnit.PERCENT.value,
        description_ja="ライセンス明細のうち、ライセンス先が同じ地域にある案件の割合。",
        description_en="Share of licence detail rows whose licensee is in the same region.",
        seed_source="対策3: 地域における必要性、地域からの支援",
    ),
)

for _order, _spec in enumerate(DEFAULT_DEFINITIONS, start=1):
    _spec["order"] = _order * 10

DEFAULT_CODES = tuple(spec["code"] for spec in DEFAULT_DEFINITIONS)
