"""The registry: who the ministries evaluate, and the people who use the product."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.amounts import AmountUnit
from core.models import BackgroundJob
from core.storage import generated_path, get_private_storage

from .enums import (
    MINISTRY_ROLES,
    ConsolidationKind,
    InstitutionKind,
    InstitutionStatus,
    LegalForm,
    Ministry,
    Role,
    Specialisation,
    TloType,
)
from .names import is_reading, normalise_name, normalise_reading


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_ja = models.CharField(_("Japanese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name_ja


def validate_reading(value: str) -> None:
    if not is_reading(value):
        raise ValidationError(
            _(
                "Write the reading in hiragana or katakana (the long mark ー and spaces may be used)."
            )
        )


def reading_order(prefix: str = "") -> Coalesce:
    """The order of Japanese lists of institutions (読み順): by reading, and by Japanese
    name where there is no reading. `prefix` reaches an institution through a relation
    ("institution__")."""
    return Coalesce(
        NullIf(F(f"{prefix}name_kana"), Value("")), F(f"{prefix}name_ja"), output_field=CharField()
    )


class InstitutionQuerySet(models.QuerySet):
    def in_reading_order(self) -> InstitutionQuerySet:
        """In Japanese order (読み順); institutions without a reading by their name."""
        return self.order_by(reading_order(), "code")

    def active(self) -> InstitutionQuerySet:
        return self.filter(status=InstitutionStatus.ACTIVE)

    def tlos(self) -> InstitutionQuerySet:
        return self.filter(kind__in=[InstitutionKind.APPROVED_TLO, InstitutionKind.CERTIFIED_TLO])

    def approved_tlos(self) -> InstitutionQuerySet:
        return self.filter(kind=InstitutionKind.APPROVED_TLO)

    def reporting(self) -> InstitutionQuerySet:
        """Institutions that file annual reports: TLOs and IP headquarters."""
        return self.filter(
            kind__in=[
                InstitutionKind.APPROVED_TLO,
                InstitutionKind.CERTIFIED_TLO,
                InstitutionKind.IP_HEADQUARTERS,
            ]
        )


class Institution(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=False)
    name_ja = models.CharField(_("Japanese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    # Kana, stored in hiragana (names.normalise_reading); lists sort by it (読み順).
    name_kana = models.CharField(
        _("reading"),
        max_length=200,
        blank=True,
        validators=[validate_reading],
        help_text=_("In kana, for Japanese order (読み順), e.g. とうきょうだいがく."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    tlo_type = models.CharField(_("TLO type"), max_length=24, choices=TloType.choices, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
    )
    specialisation = models.CharField(
        _("specialisation"),
        max_length=16,
        choices=Specialisation.choices,
        default=Specialisation.GENERAL,
    )
    approval_fy = models.PositiveSmallIntegerField(_("approval fiscal year"), null=True, blank=True)
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.ACTIVE,
    )
    revoked_on = models.DateField(_("revocation date"), null=True, blank=True)
    partners = models.ManyToManyField(
        "self",
        through="Partnership",
        through_fields=("tlo", "university"),
        symmetrical=False,
        related_name="partner_of",
        verbose_name=_("partner universities"),
        blank=True,
    )
    history = HistoricalRecords()

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(tlo_type="") | Q(kind=InstitutionKind.APPROVED_TLO),
                name="institution_tlo_type_only_for_approved_tlo",
            ),
            models.CheckConstraint(
                condition=Q(status=InstitutionStatus.REVOKED) | Q(revoked_on__isnull=True),
                name="institution_revoked_on_only_when_revoked",
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja

    def clean(self) -> None:
        # Katakana, half-width kana and extra spaces as one stored form (the admin's form).
        self.name_kana = normalise_reading(self.name_kana)


class InstitutionAlias(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("institution")
    )
    name = models.CharField(_("alias"), max_length=200)
    normalised = models.CharField(_("normalised alias"), max_length=200, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "normalised"], name="alias_unique_per_institution"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Derived column kept in step with the name; no other side effect.
        self.normalised = normalise_name(self.name)
        super().save(*args, **kwargs)


class Partnership(models.Model):
    """A TLO's main partner university (主な提携大学)."""

    tlo = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("TLO")
    )
    university = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="tlo_partnerships",
        verbose_name=_("university"),
    )

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(fields=["tlo", "university"], name="partnership_unique"),
            models.CheckConstraint(
                condition=~Q(tlo=models.F("university")), name="partnership_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tlo} – {self.university}"


class ConsolidationEvent(models.Model):
    """An institution that ended by internalisation, merger or abolition (整理統合)."""

    predecessor = models.OneToOneField(
        Institution,
        on_delete=models.CASCADE,
        related_name="consolidation",
        verbose_name=_("predecessor"),
    )
    successor = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed",
        verbose_name=_("successor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConsolidationKind.choices)
    occurred_on = models.DateField(_("date"))
    note_ja = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["occurred_on", "predecessor__code"]
        verbose_name = _("consolidation event")
        verbose_name_plural = _("consolidation events")
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="consolidation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor or '—'}"


class UserQuerySet(models.QuerySet):
    def officials(self, ministry: str | None = None) -> UserQuerySet:
        qs = self.filter(role=Role.OFFICIAL)
        return qs.filter(ministry=ministry) if ministry else qs

    def reviewers(self, ministry: str | None = None) -> UserQuerySet:
        qs = self.filter(role=Role.REVIEWER)
        return qs.filter(ministry=ministry) if ministry else qs


class PersonManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person. TLO staff belong to institutions; reviewers and officials to one ministry."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    ministry = models.CharField(_("ministry"), max_length=8, choices=Ministry.choices, blank=True)
    institutions = models.ManyToManyField(
        Institution,
        through="Membership",
        related_name="staff",
        verbose_name=_("institutions"),
        blank=True,
    )
    # How the person reads yen amounts on every page (core.amounts): 円, 千円 or 百万円.
    amount_unit = models.CharField(
        _("amount unit"), max_length=10, choices=AmountUnit.choices, default=AmountUnit.YEN
    )

    objects = PersonManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=MINISTRY_ROLES) & ~Q(ministry=""))
                | (~Q(role__in=MINISTRY_ROLES) & Q(ministry="")),
                name="user_ministry_iff_ministry_role",
            ),
        ]

    @property
    def is_tlo_staff(self) -> bool:
        return self.role == Role.TLO_STAFF

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_official(self) -> bool:
        return self.role == Role.OFFICIAL

    @property
    def is_viewer(self) -> bool:
        return self.role == Role.VIEWER

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser


class Membership(models.Model):
    """A TLO staff member's link to an institution they report for."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("institution"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution}"


def registry_file_path(instance: RegistryUpload, filename: str) -> str:
    """Registry uploads are stored privately under a generated name (core.storage)."""
    return generated_path("registry", filename, keep_suffixes=(".csv", ".xlsx"))


class RegistryUpload(BackgroundJob):
    """An upload of the registry file, checked and loaded in the background (core.jobs):
    uploaded → checking → applying → applied, or failed with the problems, each naming
    its row and column."""

    uploaded_by = models.ForeignKey(
        "User",
        on_delete=models.PROTECT,
        related_name="registry_uploads",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(
        _("file"), upload_to=registry_file_path, storage=get_private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    # The language of the person who uploaded it: the problems are worded in it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registry upload")
        verbose_name_plural = _("registry uploads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="registry_upload_progress_within_total",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
