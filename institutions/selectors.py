"""The registry queries behind the pages, named."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .enums import InstitutionKind, TloType
from .models import (
    ConsolidationEvent,
    Institution,
    InstitutionAlias,
    RegistryUpload,
    User,
    reading_order,
)
from .names import closest_names, normalise_name, normalise_reading, search_key

# What a row of the institution list shows (institutions/institution_list.html).
INSTITUTION_LIST_COLUMNS = (
    "code",
    "name_ja",
    "name_en",
    "kind",
    "tlo_type",
    "approval_fy",
    "status",
    "region__name_ja",
    "region__name_en",
)


def institution_list(*, search: str = "") -> QuerySet[Institution]:
    """Institutions for the list page, with what each row shows, searchable by name or alias."""
    qs = Institution.objects.select_related("region").order_by(
        "kind", "region__order", reading_order(), "code"
    )
    if search:
        key = normalise_name(search)
        qs = qs.filter(
            Q(name_ja__icontains=search)
            | Q(name_en__icontains=search)
            | Q(code__icontains=search)
            | Q(aliases__name__icontains=search)
            | Q(aliases__normalised__icontains=key)
            | Q(name_kana__icontains=normalise_reading(search))
        ).distinct()
    return qs


def institution_detail(*, code: str) -> Institution:
    """One institution with its partners, aliases and consolidation history."""
    return (
        Institution.objects.select_related("region")
        .prefetch_related(
            "aliases",
            "partners",
            Prefetch(
                "absorbed",
                queryset=ConsolidationEvent.objects.select_related("predecessor"),
            ),
        )
        .get(code=code)
    )


def consolidation_of(institution: Institution) -> ConsolidationEvent | None:
    """How the institution ended, if it did."""
    return (
        ConsolidationEvent.objects.select_related("successor")
        .filter(predecessor=institution)
        .first()
    )


def approvals_by_fiscal_year() -> list[dict]:
    """The seed's establishment table: approved TLOs per approval year and TLO type.

    Revoked TLOs count in the year they were approved, as in the seed; their type is
    unknown and shows under "other".
    """
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fiscal_year, tlo_type in Institution.objects.filter(
        kind=InstitutionKind.APPROVED_TLO, approval_fy__isnull=False
    ).values_list("approval_fy", "tlo_type"):
        counts[fiscal_year][tlo_type or "other"] += 1
    rows = []
    cumulative = 0
    for fiscal_year in sorted(counts):
        by_type = counts[fiscal_year]
        total = sum(by_type.values())
        cumulative += total
        rows.append(
            {
                "fiscal_year": fiscal_year,
                "by_type": [by_type.get(t.value, 0) for t in TloType] + [by_type.get("other", 0)],
                "total": total,
                "cumulative": cumulative,
            }
        )
    return rows


def consolidation_events() -> QuerySet[ConsolidationEvent]:
    return ConsolidationEvent.objects.select_related("predecessor", "successor")


def name_index() -> dict[str, Institution]:
    """Normalised name or alias → institution, for matching names in uploaded files.

    Two queries whatever the size of the registry.
    """
    index: dict[str, Institution] = {}
    institutions = {i.pk: i for i in Institution.objects.select_related("region")}
    for institution in institutions.values():
        index.setdefault(normalise_name(institution.name_ja), institution)
        if institution.name_en:
            index.setdefault(normalise_name(institution.name_en), institution)
    for alias in InstitutionAlias.objects.all():
        index.setdefault(alias.normalised, institutions[alias.institution_id])
    return index


class InstitutionNotFound(LookupError):
    """No registered institution has this code, name or alias."""

    def __init__(self, text: str, suggestions: list[str]):
        self.text = text
        self.suggestions = suggestions
        super().__init__(text)


class InstitutionMatcher:
    """Finds institutions by code, canonical name, alias or variant spelling.

    Built once per file (two queries), then matches in memory.
    """

    def __init__(self) -> None:
        self._by_name = name_index()
        self._by_code = {i.code.casefold(): i for i in self._by_name.values()}
        self._display = {key: inst.name_ja for key, inst in self._by_name.items()}

    def match(self, text: str) -> Institution:
        text = (text or "").strip()
        found = self._by_code.get(text.casefold()) or self._by_name.get(normalise_name(text))
        if found is None:
            raise InstitutionNotFound(text, closest_names(text, self._display))
        return found


def registry_upload_of(*, user: User, pk: int) -> RegistryUpload:
    """One of this person's own registry uploads; anyone else's is a 404."""
    return get_object_or_404(RegistryUpload, pk=pk, uploaded_by=user)


def registry_upload_progress_of(*, user: User, pk: int) -> RegistryUpload:
    """One of this person's registry uploads, its progress columns only (for a poll)."""
    return get_object_or_404(
        RegistryUpload.objects.only(
            "pk", "uploaded_by", "state", "total_rows", "processed_rows", "heartbeat_at"
        ),
        pk=pk,
        uploaded_by=user,
    )


def search_text(institution: Institution) -> str:
    """What a search for an institution looks in, in names.search_key form: its names,
    reading, code and aliases (prefetch `aliases`), one per line."""
    texts = [
        institution.name_ja,
        institution.name_kana,
        institution.name_en,
        institution.code,
        *(alias.name for alias in institution.aliases.all()),
    ]
    return "\n".join(search_key(text) for text in texts if text)


def matches_search(institution: Institution, search: str) -> bool:
    """Whether a search (as typed) finds the institution; an empty search finds all."""
    key = search_key(search)
    return not key or key in search_text(institution)
