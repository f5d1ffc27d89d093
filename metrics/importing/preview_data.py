"""The preview of an import, typed: what checking a file found, row by row.

`Preview` and `PreviewRow` are what the builder (metrics.importing.preview) makes and
what the services, selectors and pages read. `to_json` / `from_json` are the one place
that knows the stored keys.

Stored (PREVIEW_FORMAT 2), a preview is split so that a page of it reads one page of
rows: ImportJob.result holds `Preview.head_json()` (the file's problems, the fields, the
counts: everything but the rows), and each row is one ImportPreviewRow holding
`PreviewRow.to_json()` with its institution's names. `from_json` reads a head (its rows
empty, its counts as stored) as well as a whole preview (format 1, and what `to_json`
makes for the command line and the tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.tables.problems import Problem

from ..enums import RowOutcome
from ..validation import FigureWarning

PREVIEW_FORMAT = 2

JsonFigure = int | str | None  # figures in JSON: whole numbers as numbers, decimals as text


@dataclass
class PreviewRow:
    """One data row of the file and what confirming would do with it.

    `values` (a new row) lists the figures in the order of Preview.fields; `changes` (a
    changed row) maps a field code to [old, new]; `report_id` and `version` name the
    stored report the row was judged against, to refuse the confirmation if it changed
    since. `licences` are the row's licence detail rows when the file's sheet replaces
    them, `licence_change` the counts [before, after].
    """

    row: int
    outcome: str = RowOutcome.ERROR
    institution_id: int | None = None
    fiscal_year: int | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[FigureWarning] = field(default_factory=list)
    values: list[JsonFigure] | None = None
    changes: dict[str, list[JsonFigure]] | None = None
    report_id: int | None = None
    version: int | None = None
    licences: list[dict[str, Any]] | None = None
    licence_change: list[int] | None = None

    @property
    def is_new(self) -> bool:
        return self.outcome == RowOutcome.NEW

    @property
    def is_changed(self) -> bool:
        return self.outcome == RowOutcome.CHANGED

    def written_values(self, fields: list[str]) -> dict[str, JsonFigure]:
        """Field code → the value a new or changed row writes (as stored in JSON)."""
        if self.is_new and self.values is not None:
            return dict(zip(fields, self.values, strict=True))
        if self.is_changed and self.changes is not None:
            return {code: new for code, (_old, new) in self.changes.items()}
        return {}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "outcome": str(self.outcome)}
        optional = {
            "institution_id": self.institution_id,
            "fiscal_year": self.fiscal_year,
            "report_id": self.report_id,
            "version": self.version,
            "values": self.values,
            "changes": self.changes,
            "licences": self.licences,
            "licence_change": self.licence_change,
        }
        data.update((key, value) for key, value in optional.items() if value is not None)
        if self.problems:
            data["problems"] = [p.as_json() for p in self.problems]
        if self.warnings:
            data["warnings"] = [w.as_dict() for w in self.warnings]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PreviewRow:
        return cls(
            row=data["row"],
            outcome=data["outcome"],
            institution_id=data.get("institution_id"),
            fiscal_year=data.get("fiscal_year"),
            problems=[Problem.from_json(p) for p in data.get("problems", [])],
            warnings=[FigureWarning(w["field"], w["message"]) for w in data.get("warnings", [])],
            values=data.get("values"),
            changes=data.get("changes"),
            report_id=data.get("report_id"),
            version=data.get("version"),
            licences=data.get("licences"),
            licence_change=data.get("licence_change"),
        )


@dataclass
class Preview:
    """A checked file: its problems, its rows and, once confirming failed, why.

    `institutions` names the rows' institutions (id → code, Japanese and English name)
    so that pages show them without a query. `language` is the uploader's, for the
    messages written in the background; `conflicts` why confirming wrote nothing.
    """

    file_name: str = ""
    file_errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    format: str | None = None
    encoding: str | None = None
    columns: list[dict[str, Any]] | None = None
    institutions: dict[int, list[str]] | None = None
    language: str | None = None
    conflicts: list[str] = field(default_factory=list)
    format_version: int = PREVIEW_FORMAT
    # A head read back without its rows (they are stored apart): its stored counts.
    counts: dict[str, int] | None = None

    def institution_of(self, row: PreviewRow) -> list[str]:
        """[code, Japanese name, English name] of a row's institution, or blanks."""
        return (self.institutions or {}).get(row.institution_id) or ["", "", ""]

    @property
    def summary(self) -> dict[str, int]:
        """How many rows of each outcome, with warnings, and the file's own problems."""
        if self.counts is not None:
            return {**self.counts, "file_errors": len(self.file_errors)}
        counts = {outcome.value: 0 for outcome in RowOutcome}
        for row in self.rows:
            counts[row.outcome] += 1
        return {
            "rows": len(self.rows),
            **counts,
            "with_warnings": sum(1 for row in self.rows if row.warnings),
            "file_errors": len(self.file_errors),
        }

    def has_errors(self) -> bool:
        """Nothing of the file may be applied: a problem with the file or with a row."""
        if self.counts is not None:
            return bool(self.file_errors) or self.counts.get(RowOutcome.ERROR, 0) > 0
        return bool(self.file_errors) or any(row.outcome == RowOutcome.ERROR for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format_version": self.format_version,
            "file_name": self.file_name,
            "file_errors": [p.as_json() for p in self.file_errors],
            "notices": [p.as_json() for p in self.notices],
            "fields": list(self.fields),
            "rows": [row.to_json() for row in self.rows],
        }
        if self.format is not None:
            data.update(format=self.format, encoding=self.encoding)
        if self.columns is not None:
            data["columns"] = self.columns
        if self.institutions is not None:
            data["institutions"] = {str(pk): names for pk, names in self.institutions.items()}
        data["summary"] = self.summary
        if self.language is not None:
            data["language"] = self.language
        if self.conflicts:
            data["conflicts"] = list(self.conflicts)
        return data

    def head_json(self) -> dict[str, Any]:
        """What ImportJob.result stores: everything but the rows and the institutions'
        names (stored with the rows), with the counts of the rows."""
        data = self.to_json()
        del data["rows"]
        data.pop("institutions", None)
        return data

    @staticmethod
    def before_check(language: str) -> dict[str, Any]:
        """What ImportJob.result holds before the file is checked: only the language."""
        return {"language": language}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        """A whole preview, a stored head (whose rows are stored apart: its counts are
        the stored summary), or what there is of one (a job still being checked holds
        only the uploader's language). A whole preview's summary is recomputed from its
        rows."""
        institutions = data.get("institutions")
        is_head = "rows" not in data and "summary" in data
        return cls(
            file_name=data.get("file_name", ""),
            file_errors=[Problem.from_json(p) for p in data.get("file_errors", [])],
            notices=[Problem.from_json(p) for p in data.get("notices", [])],
            fields=list(data.get("fields", [])),
            rows=[PreviewRow.from_json(row) for row in data.get("rows", [])],
            format=data.get("format"),
            encoding=data.get("encoding"),
            columns=data.get("columns"),
            institutions=(
                None
                if institutions is None
                else {int(pk): list(names) for pk, names in institutions.items()}
            ),
            language=data.get("language"),
            conflicts=list(data.get("conflicts", [])),
            format_version=data.get("format_version", PREVIEW_FORMAT),
            counts=_counts(data["summary"]) if is_head else None,
        )


def _counts(summary: dict[str, Any]) -> dict[str, int]:
    """The row counts of a stored summary (the file's problems are counted anew)."""
    return {key: int(value) for key, value in summary.items() if key != "file_errors"}
