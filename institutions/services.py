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

from .enums import (
    ConsolidationKind,
    InstitutionKind,
    InstitutionStatus,
    LegalForm,
    Role,
    TloType,
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

REGISTRY_COLUMNS = (
    "code",
    "name_ja",
    "alias_ja",
    "category",
    "tlo_type",
    "legal_form",
    "region",
    "partner_universities",
    "approval_fy",
    "approved_on",
    "status",
    "revoked_on",
)
MINISTRIES = (
    ("MEXT", "文部科学省", "Ministry of Education, Culture, Sports, Science and Technology"),
    ("METI", "経済産業省", "Ministry of Economy, Trade and Industry"),
)


class RegistryError(ValueError):
    """A registry file that can't be loaded; the message names the row and column."""


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
    """Create or update one row, saving only when a value differs.

    Saving nothing when nothing changed keeps loads idempotent, history included.
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
    if summary:
        summary.count(outcome)
    return obj


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("institutions").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


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
    name: str, *, region: Region | None, actor: User | None, english: dict[str, str]
) -> Institution:
    """The institution of that name, or a university created for it (a partner, a successor)."""
    registered = (
        Institution.objects.filter(name_ja=name).exclude(kind=InstitutionKind.UNIVERSITY).first()
    )
    if registered:
        return registered
    return _upsert(
        Institution,
        lookup={"code": _synthetic_code("UNIV", name)},
        values={
            "name_ja": name,
            "name_en": english.get(name, ""),
            "kind": InstitutionKind.UNIVERSITY,
            "region": region,
        },
        actor=actor,
    )


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
    """Create or update institutions from rows in the columns of `tlo_registry.csv`.

    All rows or none: the first bad row raises RegistryError and nothing is stored.
    Side effects, in order: institutions saved (with history), aliases added,
    partner universities created and linked.
    """
    summary = LoadSummary()
    regions = {r.code: r for r in Region.objects.all()}
    english = _english_names()
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        missing = [c for c in ("code", "name_ja", "category") if not row.get(c)]
        if missing:
            raise RegistryError(
                _("Row %(row)s: required column %(column)s is empty.")
                % {"row": number, "column": missing[0]}
            )
        region_code = row.get("region", "")
        if region_code and region_code not in regions:
            raise RegistryError(
                _("Row %(row)s, column region: “%(value)s” is not one of %(allowed)s.")
                % {"row": number, "value": region_code, "allowed": ", ".join(regions)}
            )
        approval_fy = row.get("approval_fy", "")
        if approval_fy and not approval_fy.isdigit():
            raise RegistryError(
                _("Row %(row)s, column approval_fy: “%(value)s” is not a year.")
                % {"row": number, "value": approval_fy}
            )
        status = _choice(
            row.get("status") or InstitutionStatus.ACTIVE,
            InstitutionStatus,
            row=number,
            column="status",
        )
        values = {
            "name_ja": row["name_ja"],
            "kind": _choice(row["category"], InstitutionKind, row=number, column="category"),
            "tlo_type": _choice(row.get("tlo_type", ""), TloType, row=number, column="tlo_type"),
            "legal_form": _choice(
                row.get("legal_form", ""), LegalForm, row=number, column="legal_form"
            ),
            "region": regions.get(region_code),
            "approval_fy": int(approval_fy) if approval_fy else None,
            "approved_on": _parse_date(
                row.get("approved_on", ""), row=number, column="approved_on"
            ),
            "status": status,
            "revoked_on": _parse_date(row.get("revoked_on", ""), row=number, column="revoked_on"),
        }
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
                partner.strip(), region=values["region"], actor=actor, english=english
            )
            Partnership.objects.get_or_create(tlo=institution, university=university)
    return summary


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
    summary = load_institution_rows(rows=_data_rows("tlo_registry.csv"), actor=actor)
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


def parse_registry_csv(data: bytes) -> list[dict[str, str]]:
    """Rows of an uploaded registry CSV (UTF-8, with or without BOM, or CP932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegistryError(_("The file is neither UTF-8 nor Shift_JIS (CP932) text."))
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "name_ja", "category") if c not in header]
    if missing:
        raise RegistryError(
            _("The header has no column %(column)s. Expected the columns: %(columns)s.")
            % {"column": missing[0], "columns": ",".join(REGISTRY_COLUMNS)}
        )
    return [{(k or "").strip(): v for k, v in row.items()} for row in reader]


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
