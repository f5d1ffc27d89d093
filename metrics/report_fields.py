"""The figures of an annual report (SPEC §3), in one place.

The codes are the names used in files, exports and the database; the Japanese labels
are the headers people write in spreadsheets. The model, the form, the import, the
template download and the exports all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Unit(StrEnum):
    COUNT = "count"  # whole number of things
    YEN = "yen"  # whole yen
    SCORE = "score"  # mean score 1–5, decimal
    FTE = "fte"  # full-time equivalents, decimal


class Group(StrEnum):
    CREATION = "creation"
    IP = "ip"
    LICENSING = "licensing"
    COSTS = "costs"
    COMMERCIALISATION = "commercialisation"
    INTERNAL = "internal"
    PROCEDURES = "procedures"
    STAFF = "staff"


GROUP_LABELS = {
    Group.CREATION: _("Creation of technology"),
    Group.IP: _("Intellectual property"),
    Group.LICENSING: _("Licensing"),
    Group.COSTS: _("Costs and income"),
    Group.COMMERCIALISATION: _("Commercialisation"),
    Group.INTERNAL: _("Contribution within the university"),
    Group.PROCEDURES: _("Customer satisfaction"),
    Group.STAFF: _("Staff"),
}


@dataclass(frozen=True)
class ReportField:
    code: str
    label_ja: str  # the header people write; also the Japanese translation of label_en
    label_en: str
    group: Group
    unit: Unit

    @property
    def is_amount(self) -> bool:
        return self.unit == Unit.YEN

    @property
    def label(self) -> str:
        """The label in the active language, resolved when shown (a lazy string)."""
        return _label_in_language(self)


def _label_now(spec: ReportField) -> str:
    language = get_language() or "ja"
    return spec.label_ja if language.startswith("ja") else spec.label_en


_label_in_language = lazy(_label_now, str)


REPORT_FIELDS: tuple[ReportField, ...] = (
    ReportField(
        "joint_research_count",
        "共同研究件数",
        "joint research agreements",
        Group.CREATION,
        Unit.COUNT,
    ),
    ReportField(
        "joint_research_income", "共同研究受入額", "joint research income", Group.CREATION, Unit.YEN
    ),
    ReportField(
        "derived_research_count",
        "前の共同研究から導かれた他の研究件数",
        "research derived from earlier joint research",
        Group.CREATION,
        Unit.COUNT,
    ),
    ReportField("patent_applications", "特許出願件数", "patent applications", Group.IP, Unit.COUNT),
    ReportField("patents_granted", "特許取得件数", "patents granted", Group.IP, Unit.COUNT),
    ReportField(
        "licences_granted", "ライセンス件数", "licences granted", Group.LICENSING, Unit.COUNT
    ),
    ReportField("licence_income", "ライセンス収入", "licence income", Group.LICENSING, Unit.YEN),
    ReportField("personnel_costs", "人件費", "personnel costs", Group.COSTS, Unit.YEN),
    ReportField("patent_costs", "特許関係費", "patent-related costs", Group.COSTS, Unit.YEN),
    ReportField("other_costs", "その他経費", "other costs", Group.COSTS, Unit.YEN),
    ReportField("other_income", "その他事業収入", "other earned income", Group.COSTS, Unit.YEN),
    ReportField(
        "national_subsidies",
        "国からの補助金",
        "public subsidies received (national)",
        Group.COSTS,
        Unit.YEN,
    ),
    ReportField(
        "regional_support", "地域からの支援額", "regional support received", Group.COSTS, Unit.YEN
    ),
    ReportField(
        "commercialisations",
        "事業化件数",
        "products/services commercialised",
        Group.COMMERCIALISATION,
        Unit.COUNT,
    ),
    ReportField(
        "startups_founded",
        "大学発ベンチャー設立数",
        "start-ups founded",
        Group.COMMERCIALISATION,
        Unit.COUNT,
    ),
    ReportField("jobs_created", "雇用創出数", "jobs created", Group.COMMERCIALISATION, Unit.COUNT),
    ReportField(
        "licensed_product_sales",
        "実施製品売上高",
        "sales of products using licensed technology",
        Group.COMMERCIALISATION,
        Unit.YEN,
    ),
    ReportField(
        "induced_research_count",
        "次の研究・他の共同研究への誘導件数",
        "new research / joint research induced",
        Group.INTERNAL,
        Unit.COUNT,
    ),
    ReportField(
        "survey_responses",
        "顧客満足度調査回答数",
        "licensee survey responses",
        Group.PROCEDURES,
        Unit.COUNT,
    ),
    ReportField(
        "satisfaction_desk",
        "満足度(窓口)",
        "satisfaction: contact desk (1–5)",
        Group.PROCEDURES,
        Unit.SCORE,
    ),
    ReportField(
        "satisfaction_contracting",
        "満足度(契約手続き)",
        "satisfaction: contracting (1–5)",
        Group.PROCEDURES,
        Unit.SCORE,
    ),
    ReportField(
        "satisfaction_ip_handling",
        "満足度(知財の取扱い)",
        "satisfaction: IP handling (1–5)",
        Group.PROCEDURES,
        Unit.SCORE,
    ),
    ReportField("staff_fte", "職員数", "staff (FTE)", Group.STAFF, Unit.FTE),
)
REPORT_FIELDS_BY_CODE = {f.code: f for f in REPORT_FIELDS}
REPORT_FIELD_CODES = tuple(f.code for f in REPORT_FIELDS)

# The figures no report can be submitted without (SPEC §3): what the seed's three
# headline metrics (打率, 打点, ホームラン率) and the operating balance are made of.
CORE_FIGURES = (
    "patent_applications",
    "licences_granted",
    "licence_income",
    "personnel_costs",
    "patent_costs",
)
