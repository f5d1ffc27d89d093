"""Every write to the registry and its people. Each function takes the acting user."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.cache import bump_data_version
from core.enums import JobState
from core.jobs import move_job, record_progress, silent_jobs
from core.tables.files import check_size
from core.tables.uploads import UnreadableUpload, read_upload_rows
from core.tasks import enqueue
from core.text import display_file_name

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
    RegistryUpload,
    User,
)
from .names import normalise_name, normalise_reading
from .permissions import can_manage_registry
from .registry_file import RegistryError, registry_rows

logger = logging.getLogger(__name__)

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


def _readings() -> dict[str, str]:
    """Japanese name → reading (読み) in kana, for the registry's institutions and
    partners; names whose reading is not certain are left out (they sort by name)."""
    return {row["name_ja"]: row["name_kana"] for row in _data_rows("readings.csv")}


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
    readings: dict[str, str] | None = None,
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
                "name_kana": (readings or {}).get(name, found.name_kana if found else ""),
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
        bump_data_version()  # the institution's page lists its aliases (core.cache)


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
    readings = _readings()
    abbreviations = university_abbreviations()
    problems: list[str] = []
    for row in rows:
        row = {k: (v or "").strip() for k, v in row.items() if k}
        values: dict[str, Any] = {"name_ja": row["name_ja"], "kind": row["kind"]}
        # A blank or absent status names no change (a new institution starts active).
        if row.get("status"):
            values["status"] = row["status"]
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
        # The same for readings (読み); the file's are checked kana (registry_file).
        reading = normalise_reading(row.get("name_kana") or readings.get(row["name_ja"], ""))
        if reading:
            values["name_kana"] = reading
        constraint_problems = _constraint_problems(row, values)
        if constraint_problems:
            problems.extend(constraint_problems)
            continue
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
                readings=readings,
                abbreviation=abbreviations.get(partner.strip(), ""),
            )
            _link, created = Partnership.objects.get_or_create(
                tlo=institution, university=university
            )
            if created:
                bump_data_version()  # the institution's page lists its partners
    if problems:
        # Raised inside the transaction: nothing of the file is kept.
        raise RegistryError(problems)
    return summary


def _constraint_problems(row: dict[str, str], values: dict[str, Any]) -> list[str]:
    """The database constraints of Institution, checked on what the row would store (its
    values over the stored institution's), each problem naming the row and the column
    to change: a TLO type only on an approved TLO, a revocation date only when revoked."""
    stored = Institution.objects.filter(code=row["code"]).first()

    def effective(field_name: str, default: Any) -> Any:
        if field_name in values:
            return values[field_name]
        return getattr(stored, field_name) if stored is not None else default

    number = row.get("_row", "?")
    problems = []
    tlo_type = effective("tlo_type", "")
    if tlo_type and effective("kind", "") != InstitutionKind.APPROVED_TLO:
        problems.append(
            _(
                "Row %(row)s, column %(column)s: only approved TLOs have a TLO type "
                "(this one would have “%(value)s”)."
            )
            % {
                "row": number,
                "column": "tlo_type" if "tlo_type" in row else "kind",
                "value": tlo_type,
            }
        )
    revoked_on = effective("revoked_on", None)
    if revoked_on and effective("status", InstitutionStatus.ACTIVE) != InstitutionStatus.REVOKED:
        problems.append(
            _(
                "Row %(row)s, column %(column)s: only a revoked institution has a "
                "revocation date (this one would have %(value)s)."
            )
            % {
                "row": number,
                "column": "revoked_on" if "revoked_on" in row else "status",
                "value": revoked_on.isoformat(),
            }
        )
    return problems


def read_registry_file(
    data: bytes, *, progress: Callable[[int, int], None] | None = None
) -> list[dict[str, str]]:
    """The checked rows of an uploaded registry file (CSV in UTF-8 or Shift_JIS, or XLSX:
    core.tables.uploads); RegistryError listing every problem with its row and column."""
    try:
        table = read_upload_rows(data)
    except UnreadableUpload as error:
        raise RegistryError(str(error)) from None
    return registry_rows(
        table, regions=Region.objects.values_list("code", flat=True), progress=progress
    )


@transaction.atomic
def start_registry_upload(
    *, actor: User, file_name: str, data: bytes, language: str
) -> RegistryUpload:
    """Store an uploaded registry file, to be checked and loaded in the background;
    nothing is parsed here, so that no file holds the request.

    Side effects, in order: refuses a file over the size limit (FileProblem, nothing
    stored); stores the file privately and a RegistryUpload (uploaded); queues
    institutions.tasks.load_registry_upload for when the transaction commits.
    """
    if not can_manage_registry(actor):
        raise PermissionDenied
    check_size(len(data))
    name = display_file_name(file_name)
    upload = RegistryUpload.objects.create(
        uploaded_by=actor, file=ContentFile(data, name=name), original_name=name, language=language
    )
    enqueue("institutions.load_registry_upload", upload.pk)
    return upload


def run_registry_upload(*, upload_id: int) -> RegistryUpload:
    """Check and load an uploaded registry file (the background half of
    start_registry_upload): all rows or none.

    Side effects, in order: the upload moves to checking (a task delivered again after
    its upload moved on does nothing); the file is read and every row checked, with
    progress; it moves to applying and the rows are loaded (load_institution_rows, one
    transaction); it ends applied with the counts, or failed with the problems, each
    naming its row and column (nothing of the file stored).
    """
    running = (JobState.UPLOADED, JobState.PARSING)
    if not move_job(RegistryUpload, upload_id, sources=running, target=JobState.PARSING):
        return RegistryUpload.objects.get(pk=upload_id)
    upload = RegistryUpload.objects.select_related("uploaded_by").get(pk=upload_id)

    def progress(done: int, total: int) -> None:
        record_progress(RegistryUpload, upload_id, done=done, total=total)

    try:
        with translation.override(upload.language or None):
            with upload.file.open("rb") as stored:
                data = stored.read()
            rows = read_registry_file(data, progress=progress)
            move_job(
                RegistryUpload,
                upload_id,
                sources=[JobState.PARSING],
                target=JobState.APPLYING,
                total_rows=len(rows),
                processed_rows=0,
            )
            summary = load_institution_rows(rows=rows, actor=upload.uploaded_by)
    except RegistryError as error:
        _fail_upload(upload_id, error.problems)
    except Exception:
        logger.exception("registry upload %s: loading failed; nothing was stored", upload_id)
        with translation.override(upload.language or None):
            _fail_upload(upload_id, [_(SYSTEM_ERROR)])
    else:
        move_job(
            RegistryUpload,
            upload_id,
            sources=[JobState.APPLYING],
            target=JobState.APPLIED,
            processed_rows=len(rows),
            summary={
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
    return RegistryUpload.objects.get(pk=upload_id)


SYSTEM_ERROR = gettext_noop(
    "The file could not be loaded because of an error in the system. Nothing was "
    "changed; please try again later or tell the system administrator."
)
WORKER_LOST = gettext_noop(
    "Loading the file stopped: the process working on it gave no sign of life for "
    "several minutes (it may have been restarted). Nothing was changed; please upload "
    "the file again."
)


def _fail_upload(upload_id: int, problems: list[str]) -> bool:
    return move_job(
        RegistryUpload,
        upload_id,
        sources=[JobState.UPLOADED, JobState.PARSING, JobState.APPLYING],
        target=JobState.FAILED,
        problems=problems,
    )


def fail_silent_registry_uploads() -> int:
    """Fail the uploads being checked whose worker gave no sign of life for a few
    minutes, saying so in the uploader's language. Returns how many."""
    failed = 0
    for upload in RegistryUpload.objects.filter(pk__in=silent_jobs(RegistryUpload)):
        with translation.override(upload.language or None):
            failed += _fail_upload(upload.pk, [_(WORKER_LOST)])
    return failed


@transaction.atomic
def load_registry(*, actor: User | None = None) -> LoadSummary:
    """Load the real registry shipped with the product (the seed's reference data).

    Idempotent: a second run saves nothing. Side effects, in order: regions, the two
    ministries, TLOs (approved, certified, revoked), IP-headquarters programme
    institutions, consolidation events.
    """
    load_regions(actor=actor)
    readings = _readings()
    for code, name_ja, name_en in MINISTRIES:
        _upsert(
            Institution,
            lookup={"code": code},
            values={
                "name_ja": name_ja,
                "name_en": name_en,
                "name_kana": readings.get(name_ja, ""),
                "kind": InstitutionKind.MINISTRY,
            },
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
                "name_kana": readings.get(row["name_ja"], ""),
                "kind": InstitutionKind.IP_HEADQUARTERS,
                "region": regions[row["region"]],
            },
            actor=actor,
            summary=summary,
        )
    load_consolidation_events(
        rows=_data_rows("consolidation_events.csv"),
        actor=actor,
        english=english,
        readings=readings,
    )
    return summary


@transaction.atomic
def load_consolidation_events(
    *,
    rows: Iterable[dict[str, str]],
    actor: User | None,
    english: dict[str, str],
    readings: dict[str, str] | None = None,
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
                    successor_ref,
                    region=predecessor.region,
                    actor=actor,
                    english=english,
                    readings=readings,
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
