"""Every write to the registry and its people. Each function takes the acting user."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from core.tables.uploads import UnreadableUpload, read_upload_rows

from .enums import (
    ConsolidationKind,
    InstitutionKind,
    InstitutionStatus,
    Role,
    Specialisation,
)
from .models import (
    ConsolidationEvent,
    Institution,
    InstitutionAlias,
    Membership,
    Partnership,
    Region,
    User,
)
from .names import normalise_name
from .registry_file import RegistryError, registry_rows

MINISTRIES = (
    ("MEXT", "文部科学省", "Ministry of Education, Culture, Sports, Science and Technology"),
    ("METI", "経済産業省", "Ministry of Economy, Trade and Industry"),
)


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    messages: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _upsert(
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    actor: User | None,
    summary: LoadSummary | None = None,
) -> models.Model:
    """Create or update one row, saving only when a value differs; a save moves the data
    version on (core.cache: the registry is on every dashboard).

    Saving nothing when nothing changed keeps loads idempotent, history and cached pages
    included.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        outcome = "created"
    else:
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if not changed:
            if summary:
                summary.count("unchanged")
            return obj
        for key, value in changed.items():
            setattr(obj, key, value)
        outcome = "updated"
    obj._history_user = actor  # read by django-simple-history
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    bump_data_version()
    if summary:
        summary.count(outcome)
    return obj


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("institutions").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _data_table(name: str) -> list[list[str]]:
    text = resources.files("institutions").joinpath("data", name).read_text("utf-8")
    return list(csv.reader(io.StringIO(text)))


def university_abbreviations() -> dict[str, str]:
    """Full name → the seed's abbreviation (東京大学 → 東大), for partner universities."""
    return {row["name_ja"]: row["abbreviation"] for row in _data_rows("university_names.csv")}


def _english_names() -> dict[str, str]:
    """Japanese name → English name, for the registry's institutions and partners."""
    return {row["name_ja"]: row["name_en"] for row in _data_rows("names_en.csv")}


def _synthetic_code(prefix: str, name: str) -> str:
    """A stable code for institutions the reference data names but does not code."""
    return f"{prefix}-{hashlib.sha1(normalise_name(name).encode()).hexdigest()[:8].upper()}"


def _parse_date(value: str, *, row: int, column: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RegistryError(
            _("Row %(row)s, column %(column)s: “%(value)s” is not a date (YYYY-MM-DD).")
            % {"row": row, "column": column, "value": value}
        ) from None


def _choice(value: str, choices: type[models.TextChoices], *, row: int, column: str) -> str:
    if value and value not in choices.values:
        raise RegistryError(
            _("Row %(row)s, column %(column)s: “%(value)s” is not one of %(allowed)s.")
            % {"row": row, "column": column, "value": value, "allowed": ", ".join(choices.values)}
        )
    return value


@transaction.atomic
def load_regions(*, actor: User | None = None) -> None:
    """Create or update the six regions of `data/regions.csv`."""
    for order, row in enumerate(_data_rows("regions.csv")):
        _upsert(
            Region,
            lookup={"code": row["code"]},
            values={"name_ja": row["name_ja"], "name_en": row["name_en"], "order": order},
            actor=actor,
        )


def _university(
    name: str,
    *,
    region: Region | None,
    actor: User | None,
    english: dict[str, str],
    abbreviation: str = "",
) -> Institution:
    """The institution of that name, or a university created for it (a partner, a
    successor), with `abbreviation` (the seed's 東大 for 東京大学) as an alias.

    A university stored under its abbreviation by an earlier version of the registry is
    renamed to the full name (its code stays, so links keep working).
    """
    registered = (
        Institution.objects.filter(name_ja=name).exclude(kind=InstitutionKind.UNIVERSITY).first()
    )
    if registered is None:
        universities = Institution.objects.filter(kind=InstitutionKind.UNIVERSITY)
        found = universities.filter(name_ja=name).first()
        if found is None and abbreviation:
            found = universities.filter(name_ja=abbreviation).first()
        registered = _upsert(
            Institution,
            lookup={"code": found.code if found else _synthetic_code("UNIV", name)},
            values={
                "name_ja": name,
                "name_en": english.get(name, found.name_en if found else ""),
                "kind": InstitutionKind.UNIVERSITY,
                "region": found.region if found else region,
            },
            actor=actor,
        )
    if abbreviation:
        _set_alias(registered, abbreviation)
    return registered


def _set_alias(institution: Institution, name: str) -> None:
    """Record a variant spelling, unless it is the canonical name or known already."""
    key = normalise_name(name)
    if not name or key == normalise_name(institution.name_ja):
        return
    if not institution.aliases.filter(normalised=key).exists():
        InstitutionAlias.objects.create(institution=institution, name=name)


@transaction.atomic
def load_institution_rows(
    *, rows: Iterable[dict[str, str]], actor: User | None = None
) -> LoadSummary:
    """Create or update institutions from rows of the registry file's columns, checked by
    institutions.registry_file.registry_rows (read_registry_file does both).

    All rows or none. Side effects, in order: institutions saved (with history), aliases
    added, partner universities (full names, with the seed's abbreviations as aliases)
    created and linked. A column the file does not have leaves that field alone.
    """
    summary = LoadSummary()
    regions = {r.code: r for r in Region.objects.all()}
    english = _english_names()
    abbreviations = university_abbreviations()
    for row in rows:
        row = {k: (v or "").strip() for k, v in row.items() if k}
        values: dict[str, Any] = {
            "name_ja": row["name_ja"],
            "kind": row["kind"],
            "status": row.get("status") or InstitutionStatus.ACTIVE,
        }
        for column in ("tlo_type", "legal_form"):
            if column in row:
                values[column] = row[column]
        if "region" in row:
            values["region"] = regions.get(row["region"])
        if "specialisation" in row:
            values["specialisation"] = row["specialisation"] or Specialisation.GENERAL
        if "approval_fy" in row:
            values["approval_fy"] = int(row["approval_fy"]) if row["approval_fy"] else None
        for column in ("approved_on", "revoked_on"):
            if column in row:
                values[column] = datetime.date.fromisoformat(row[column]) if row[column] else None
        # A file without English names keeps the ones known; the shipped list fills gaps.
        name_en = row.get("name_en") or english.get(row["name_ja"])
        if name_en:
            values["name_en"] = name_en
        institution = _upsert(
            Institution, lookup={"code": row["code"]}, values=values, actor=actor, summary=summary
        )
        for alias in filter(None, row.get("alias_ja", "").split(";")):
            _set_alias(institution, alias.strip())
        for partner in filter(None, row.get("partner_universities", "").split(";")):
            university = _university(
                partner.strip(),
                region=values.get("region"),
                actor=actor,
                english=english,
                abbreviation=abbreviations.get(partner.strip(), ""),
            )
            Partnership.objects.get_or_create(tlo=institution, university=university)
    return summary


def read_registry_file(data: bytes) -> list[dict[str, str]]:
    """The checked rows of an uploaded registry file (CSV in UTF-8 or Shift_JIS, or XLSX:
    core.tables.uploads); RegistryError listing every problem with its row and column."""
    try:
        table = read_upload_rows(data)
    except UnreadableUpload as error:
        raise RegistryError(str(error)) from None
    return registry_rows(table, regions=Region.objects.values_list("code", flat=True))


@transaction.atomic
def load_registry(*, actor: User | None = None) -> LoadSummary:
    """Load the real registry shipped with the product (the seed's reference data).

    Idempotent: a second run saves nothing. Side effects, in order: regions, the two
    ministries, TLOs (approved, certified, revoked), IP-headquarters programme
    institutions, consolidation events.
    """
    load_regions(actor=actor)
    for code, name_ja, name_en in MINISTRIES:
        _upsert(
            Institution,
            lookup={"code": code},
            values={"name_ja": name_ja, "name_en": name_en, "kind": InstitutionKind.MINISTRY},
            actor=actor,
        )
    shipped = registry_rows(
        [*_data_table("tlo_registry.csv")], regions=Region.objects.values_list("code", flat=True)
    )
    summary = load_institution_rows(rows=shipped, actor=actor)
    regions = {r.code: r for r in Region.objects.all()}
    english = _english_names()
    for row in _data_rows("ip_hq_program_institutions.csv"):
        existing = Institution.objects.filter(
            name_ja=row["name_ja"],
            kind__in=[InstitutionKind.UNIVERSITY, InstitutionKind.IP_HEADQUARTERS],
        ).first()
        lookup = {"code": existing.code if existing else _synthetic_code("IPHQ", row["name_ja"])}
        _upsert(
            Institution,
            lookup=lookup,
            values={
                "name_ja": row["name_ja"],
                "name_en": english.get(row["name_ja"], ""),
                "kind": InstitutionKind.IP_HEADQUARTERS,
                "region": regions[row["region"]],
            },
            actor=actor,
            summary=summary,
        )
    load_consolidation_events(
        rows=_data_rows("consolidation_events.csv"), actor=actor, english=english
    )
    return summary


@transaction.atomic
def load_consolidation_events(
    *, rows: Iterable[dict[str, str]], actor: User | None, english: dict[str, str]
) -> None:
    """Link each ended TLO to its successor, by the successor's code or name."""
    for number, row in enumerate(rows, start=2):
        predecessor = Institution.objects.filter(code=row["tlo_code"]).first()
        if predecessor is None:
            raise RegistryError(
                _("Row %(row)s, column tlo_code: no institution has code “%(value)s”.")
                % {"row": number, "value": row["tlo_code"]}
            )
        successor_ref = row.get("successor", "").strip()
        successor = None
        if successor_ref:
            successor = (
                Institution.objects.filter(code=successor_ref).first()
                or Institution.objects.filter(name_ja=successor_ref)
                .exclude(kind=InstitutionKind.MINISTRY)
                .order_by("kind")
                .first()
                or _university(
                    successor_ref, region=predecessor.region, actor=actor, english=english
                )
            )
        _set_alias(predecessor, row.get("tlo_name_ja", ""))
        _upsert(
            ConsolidationEvent,
            lookup={"predecessor": predecessor},
            values={
                "successor": successor,
                "kind": _choice(row["kind"], ConsolidationKind, row=number, column="kind"),
                "occurred_on": _parse_date(row["revoked_on"], row=number, column="revoked_on"),
                "note_ja": row.get("note_ja", ""),
            },
            actor=actor,
        )


@transaction.atomic
def create_person(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    ministry: str = "",
    institutions: Iterable[Institution] = (),
    display_name: str = "",
    email: str = "",
) -> User:
    """Create a person with a role, and their memberships if they are TLO staff."""
    user = User(
        username=username, role=role, ministry=ministry, first_name=display_name, email=email
    )
    if role == Role.ADMINISTRATOR:
        user.is_staff = True
        user.is_superuser = True
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    for institution in institutions:
        Membership.objects.create(user=user, institution=institution)
    return user


def set_amount_unit(*, actor: User, unit: str) -> None:
    """The person's unit for yen amounts on every page and in downloads for people.

    Side effect: saves `actor.amount_unit` (only that column).
    """
    actor.amount_unit = unit
    actor.save(update_fields=["amount_unit"])
