"""Downloads: the hearing sheet (XLSX, PDF), the cycle result table and score exports.

Every score comes through Score.objects.visible_to(user) (selectors.aggregates), so a
download never shows more than the person's pages do.
"""

from __future__ import annotations

import io
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
                        *[_thousands(v) if t.is_yen and v is not None else d for v, d in t.cells],
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
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))


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
    body = ParagraphStyle("body", fontName=FONT_NAME, fontSize=8.5, leading=11, wordWrap="CJK")
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

    def cell(value) -> Paragraph:
        return Paragraph(escape(str(value)).replace("\n", "<br/>"), body)

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


def result_table(*, user: User, cycle: ReviewCycle) -> tuple[list[str], list[list]]:
    """One row per institution: ministry means and joint score per criterion, weighted
    total, divergent criteria, quorum, the aid's rule, the decision."""
    criteria = list(cycle.criteria.all())
    entries = list(
        cycle.entries.select_related("institution", "decision").order_by("institution__code")
    )
    results = aggregates.results_for(user=user, cycle=cycle)
    quorums = aggregates.quorums_of(cycle)
    aids = aids_for(cycle, entries, results)
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
        row += [
            _number(result.weighted_total) if result else "",
            " ".join(result.divergent_criteria) if result else "",
            "true" if quorums[entry.pk].met else "false",
            str(AidRule(aids[entry.pk].rule).value),
            decision.tier if decision else "",
            decision.recommendation if decision else "",
            decision.state if decision else "",
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
