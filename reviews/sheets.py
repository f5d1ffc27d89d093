"""Downloads: the hearing sheet (XLSX, PDF), the cycle result table and score exports.

Every score comes through Score.objects.visible_to(user) (selectors.aggregates), so a
download never shows more than the person's pages do.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from core.amounts import AmountUnit, format_yen, scaled
from core.people import person_name
from core.spreadsheets import neutralise
from institutions.fiscal_years import format_fiscal_year
from institutions.models import User
from metrics.enums import MetricUnit

from .enums import AidRule, ScoreState
from .models import CycleEntry, ReviewCycle
from .permissions import can_view_consequences, can_view_decision, can_view_material
from .selectors import aggregates, pages
from .selectors.deliberation import aids_for
from .selectors.pages import PeerPosition
from .selectors.scenarios import linked_scenario, summary_rows

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "ipaexg.ttf"
FONT_NAME = "IPAexGothic"


def _number(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


@dataclass(frozen=True)
class Figure:
    """A number in a sheet: stored as a number with its format in the XLSX (so people can
    sum it), printed as `text` in the PDF (right-aligned, never broken)."""

    value: float
    text: str
    number_format: str


# Excel number formats: a real (numeric) minus, thousands separators, % for fractions.
THOUSANDS_FORMAT = "#,##0;-#,##0"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"


def metric_figure(value: float | None, unit: str, display: str) -> Figure | str:
    """A metric value as a sheet cell: yen in thousands, percent as a fraction with a %
    format, counts and ratios as numbers; empty when not defined."""
    if value is None:
        return display
    if unit == MetricUnit.YEN:
        return Figure(
            float(scaled(value, AmountUnit.THOUSAND)), _thousands(value), THOUSANDS_FORMAT
        )
    if unit == MetricUnit.PERCENT:
        return Figure(round(value, 6), display, PERCENT_FORMAT)
    if unit == MetricUnit.COUNT and float(value).is_integer():
        return Figure(value, display, COUNT_FORMAT)
    return Figure(round(value, 4), display, DECIMAL_FORMAT)


@dataclass(frozen=True)
class Section:
    title: str
    headers: list[str]
    rows: list[list]
    widths: list[float] | None = None  # relative column widths in the PDF (default equal)


def _thousands(value: float) -> str:
    """A yen amount in thousands, without the unit (the column header names it)."""
    amount = scaled(value, AmountUnit.THOUSAND)
    return f"{chr(0x2212) if amount < 0 else ''}{abs(amount):,}"


def position_text(position: PeerPosition) -> str:
    """A compact position for a cell: “32/46 · Q4” (Japanese “32位/46 · 第4五分位”)."""
    if position.withheld:
        return str(_("withheld"))
    if position.rank is None:
        return "—"
    rank = _("%(rank)s/%(size)s") % {"rank": position.rank, "size": position.size}
    return f"{rank} · {_('Q%(quintile)s') % {'quintile': position.quintile}}"


def hearing_sheet(entry: CycleEntry, *, user: User) -> list[Section]:
    """The hearing sheet's sections: profile, metric trends, statement, scores (those the
    person may see), decision (if the person may see it)."""
    institution = entry.institution
    cycle = entry.cycle
    sections = [
        Section(
            _("Profile"),
            [_("item"), _("value")],
            [
                [_("review"), str(cycle.label)],
                [_("code"), institution.code],
                [_("name"), institution.name_ja],
                [_("kind"), institution.get_kind_display()],
                [_("TLO type"), institution.get_tlo_type_display() or "—"],
                [_("region"), str(institution.region) if institution.region else "—"],
                [
                    _("approval fiscal year"),
                    format_fiscal_year(institution.approval_fy) if institution.approval_fy else "—",
                ],
            ],
            widths=[1, 3],
        )
    ]
    if can_view_material(user, entry):
        material = pages.material_of(entry, user=user)
        sections.append(
            Section(
                _("Metric trends"),
                [
                    _("metric (amounts in thousand yen)"),
                    *[format_fiscal_year(y) for y in material.fiscal_years],
                    *[
                        _("position among %(group)s") % {"group": group}
                        for group in material.groups
                    ],
                ],
                [
                    [
                        t.definition.name,
                        *[
                            f"{d} ({source})" if source else metric_figure(v, t.definition.unit, d)
                            for v, d, source in t.sourced_cells
                        ],
                        *[position_text(p) for p in t.positions],
                    ]
                    for t in material.trends
                ],
                widths=[1.6, *[1] * len(material.fiscal_years), *[1.1] * len(material.groups)],
            )
        )
    statement = pages.statement_of(entry)
    statement_rows = []
    if statement:
        statement_rows = [
            [_("regional necessity"), statement.regional_necessity],
            [_("improvement plan"), statement.improvement_plan],
            [_("regional support obtained"), statement.regional_support],
            *[
                [_("from whom"), f"{line.provider}: {format_yen(line.amount)}"]
                for line in statement.support_lines.all()
            ],
        ]
    sections.append(
        Section(_("Hearing statement"), [_("item"), _("text")], statement_rows, widths=[1, 4])
    )
    sections.extend(_score_sections(aggregates.score_table(user=user, entry=entry)))
    decision = getattr(entry, "decision", None)
    if decision is not None and can_view_decision(user, entry, decision):
        sections.append(
            Section(
                _("Decision"),
                [_("item"), _("value")],
                [
                    [_("support tier"), decision.get_tier_display()],
                    [_("recommendation"), decision.get_recommendation_display()],
                    [_("partner institution of the merger"), str(decision.merge_partner or "—")],
                    [_("rationale"), decision.rationale],
                    [_("state"), decision.get_state_display()],
                ],
                widths=[1, 4],
            )
        )
        scenario = linked_scenario(decision) if can_view_consequences(user) else None
        if scenario is not None:
            sections.append(
                Section(
                    _("Consolidation scenario"),
                    [_("item"), _("value")],
                    summary_rows(scenario),
                    widths=[1, 4],
                )
            )
    return sections


def _score_sections(table: aggregates.ScoreTable) -> list[Section]:
    """The scores as on the pages: criteria down, reviewers across (with each ministry's
    mean and the joint score once scores count), then every comment by criterion."""
    reviewers = [
        f"{person_name(c.reviewer)} ({c.ministry_label}, {c.state_label})" for c in table.columns
    ]
    means = (
        [pgettext("short", "MEXT"), pgettext("short", "METI"), _("joint"), _("divergent")]
        if table.result
        else []
    )
    rows = []
    for line in table.lines:
        row = [line.criterion.name, *["" if c.value is None else c.value for c in line.cells]]
        if table.result:
            r = line.result
            row += [
                _number(r.mext_mean),
                _number(r.meti_mean),
                _number(r.joint),
                _("yes") if r.divergent else "",
            ]
        rows.append(row)
    total = [_("weighted total"), *[_number(c.total) for c in table.columns]]
    if table.result:
        total += ["", "", _number(table.result.weighted_total), ""]
    rows.append(total)
    comments = [
        [line.criterion.name, person_name(column.reviewer), cell.value or "", cell.comment]
        for line in table.lines
        for column, cell in line.comments
    ]
    return [
        Section(
            _("Scores"),
            [_("criterion"), *reviewers, *means],
            rows,
            widths=[2.2, *[1.2] * len(reviewers), *[0.9] * len(means)],
        ),
        Section(
            _("Comments"),
            [_("criterion"), _("reviewer"), _("score"), _("comment")],
            comments,
            widths=[2, 2, 0.8, 6],
        ),
    ]


def sheet_xlsx(sections: list[Section]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, section in enumerate(sections, start=1):
        sheet = workbook.create_sheet(f"{index}. {section.title}"[:31])
        sheet.append([neutralise(h) for h in section.headers])
        for row in section.rows:
            sheet.append([v.value if isinstance(v, Figure) else neutralise(v) for v in row])
            for column, v in enumerate(row, start=1):
                if isinstance(v, Figure):
                    sheet.cell(row=sheet.max_row, column=column).number_format = v.number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))


# A whole cell that is a number (sign, separators, unit) or a fiscal-year label such as
# 2010年度(平成22年度): CJK word wrap would break it anywhere, so it is wrapped the Western
# way (only at spaces), the label only before its parenthesis.
_NUMBER = re.compile(r"[−\-]?[¥￥]?[0-9][0-9,.]*%?")
_FISCAL_YEAR = re.compile(r"([0-9]{4}年度)(\([^)]*年度\))?")


@functools.cache
def _pdf_styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle

    _register_font()
    body = ParagraphStyle("body", fontName=FONT_NAME, fontSize=8.5, leading=11, wordWrap="CJK")
    return {
        "body": body,
        "number": ParagraphStyle(
            "number", parent=body, alignment=2, wordWrap=None, splitLongWords=0
        ),
        "label": ParagraphStyle("label", parent=body, wordWrap=None, splitLongWords=0),
    }


def pdf_cell(value):
    """One table cell of the PDF: numbers right-aligned and never broken, fiscal-year
    labels broken only before their parenthesis, other text wrapped the CJK way."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    styles = _pdf_styles()
    if isinstance(value, Figure):
        return Paragraph(escape(value.text), styles["number"])
    text = str(value)
    if (isinstance(value, int | float) and not isinstance(value, bool)) or _NUMBER.fullmatch(text):
        return Paragraph(escape(text), styles["number"])
    label = _FISCAL_YEAR.fullmatch(text)
    if label:
        return Paragraph("<br/>".join(escape(g) for g in label.groups() if g), styles["label"])
    return Paragraph(escape(text).replace("\n", "<br/>"), styles["body"])


def sheet_pdf(title: str, sections: list[Section]) -> bytes:
    """A PDF with Japanese text in the embedded IPAex Gothic font (IPA Font License), so
    that it reads the same in every viewer and needs nothing outside pip."""
    # reportlab is imported here, not with the module: it takes about 0.1 s and only
    # the PDF needs it.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    heading = ParagraphStyle(
        "h", fontName=FONT_NAME, fontSize=12, leading=16, spaceBefore=6, keepWithNext=1
    )
    big = ParagraphStyle("t", fontName=FONT_NAME, fontSize=15, leading=20)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
    )

    cell = pdf_cell

    story = [Paragraph(escape(title), big), Spacer(1, 4 * mm)]
    width = A4[0] - 28 * mm
    for section in sections:
        story.append(Paragraph(escape(section.title), heading))
        data = [[cell(h) for h in section.headers]] + [
            [cell(v) for v in row] for row in section.rows
        ]
        if len(data) == 1:
            data.append([cell("—")] + [cell("") for _ in section.headers[1:]])
        weights = section.widths or [1.0] * len(section.headers)
        table = Table(data, colWidths=[width * w / sum(weights) for w in weights], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    document.build(story)
    return buffer.getvalue()


# --- the cycle result table (officials) --------------------------------------------------


def result_table(
    *, user: User, cycle: ReviewCycle, codes: bool = False
) -> tuple[list[str], list[list]]:
    """One row per institution: ministry means and joint score per criterion, weighted
    total, divergent criteria, quorum, the aid's rule, the decision.

    For people (the default) headers and values read in the reader's language (states,
    tiers and recommendations by their labels, the quorum as はい/いいえ); with `codes`
    (`?headers=codes`) the column codes and stored values, for scripts. Scores are numbers
    either way."""
    criteria = list(cycle.criteria.all())
    entries = list(
        cycle.entries.select_related("institution", "decision").order_by("institution__code")
    )
    results = aggregates.results_for(user=user, cycle=cycle)
    quorums = aggregates.quorums_of(cycle)
    aids = aids_for(cycle, entries, results)
    if codes:
        headers = ["institution_code", "institution_name"]
        for c in criteria:
            headers += [f"{c.code}_mext", f"{c.code}_meti", f"{c.code}_joint"]
        headers += [
            "weighted_total",
            "divergent",
            "quorum_met",
            "aid_rule",
            "tier",
            "recommendation",
            "decision_state",
        ]
    else:
        headers = [str(_("institution code")), str(_("institution name"))]
        for c in criteria:
            headers += [
                _("%(criterion)s: MEXT mean") % {"criterion": c.name},
                _("%(criterion)s: METI mean") % {"criterion": c.name},
                _("%(criterion)s: joint") % {"criterion": c.name},
            ]
        headers += [
            str(_("weighted total")),
            str(_("divergent criteria")),
            str(_("quorum met")),
            str(_("decision aid")),
            str(_("support tier")),
            str(_("recommendation")),
            str(_("decision state")),
        ]
    names = {c.code: c.name for c in criteria}
    rows = []
    for entry in entries:
        result = results.get(entry.pk)
        row = [entry.institution.code, entry.institution.name_ja]
        for c in criteria:
            r = result.criteria[c.code] if result else None
            row += [
                _number(r.mext_mean) if r else "",
                _number(r.meti_mean) if r else "",
                _number(r.joint) if r else "",
            ]
        decision = getattr(entry, "decision", None)
        divergent = result.divergent_criteria if result else []
        rule = AidRule(aids[entry.pk].rule)
        met = quorums[entry.pk].met
        if codes:
            row += [
                _number(result.weighted_total) if result else "",
                " ".join(divergent),
                "true" if met else "false",
                str(rule.value),
                decision.tier if decision else "",
                decision.recommendation if decision else "",
                decision.state if decision else "",
            ]
        else:
            row += [
                _number(result.weighted_total) if result else "",
                "、".join(names.get(code, code) for code in divergent),
                str(_("yes")) if met else str(_("no")),
                str(rule.label),
                decision.get_tier_display() if decision else "",
                decision.get_recommendation_display() if decision else "",
                decision.get_state_display() if decision else "",
            ]
        rows.append(row)
    return headers, rows


SCORE_HEADERS = [
    "institution_code",
    "reviewer",
    "ministry",
    "criterion",
    "score",
    "comment",
    "submitted",
]
RESULT_HEADERS = ["institution_code", "criterion", "mext_mean", "meti_mean", "joint", "divergent"]


def score_rows(*, user: User, cycle: ReviewCycle) -> list[list]:
    """One row per reviewer × criterion of the scores this person may see."""
    return [
        [
            s.assignment.entry.institution.code,
            s.assignment.reviewer.username,
            s.assignment.ministry,
            s.criterion.code,
            "" if s.value is None else s.value,
            s.comment,
            "true" if s.assignment.score_state == ScoreState.SUBMITTED else "false",
        ]
        for s in aggregates.visible_scores(user=user, cycle=cycle)
    ]


def result_rows(*, user: User, cycle: ReviewCycle) -> list[list]:
    """One row per institution and criterion, plus `weighted_total`; means from submitted
    scores only, empty where a ministry has none."""
    criteria = list(cycle.criteria.all())
    results = aggregates.results_for(user=user, cycle=cycle)
    rows = []
    for entry in cycle.entries.select_related("institution").order_by("institution__code"):
        result = results.get(entry.pk)
        for c in criteria:
            r = result.criteria[c.code] if result else None
            rows.append(
                [
                    entry.institution.code,
                    c.code,
                    _number(r.mext_mean) if r else "",
                    _number(r.meti_mean) if r else "",
                    _number(r.joint) if r else "",
                    "true" if r and r.divergent else "false",
                ]
            )
        rows.append(
            [
                entry.institution.code,
                "weighted_total",
                "",
                "",
                _number(result.weighted_total) if result else "",
                "false",
            ]
        )
    return rows
