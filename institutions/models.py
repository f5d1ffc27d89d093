"""The registry: who the ministries evaluate, and the people who use the product."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.amounts import AmountUnit

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
from .names import normalise_name


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


class InstitutionQuerySet(models.QuerySet):
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
