"""Every kind, type, status and role of the registry. These strings appear nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    APPROVED_TLO = "approved_tlo", _("approved TLO")
    CERTIFIED_TLO = "certified_tlo", _("certified TLO")
    IP_HEADQUARTERS = "ip_headquarters", _("university IP headquarters")
    UNIVERSITY = "university", _("university")
    MINISTRY = "ministry", _("ministry")


class TloType(models.TextChoices):
    INTERNAL = "internal", _("internal")
    EXTERNAL_INTEGRATED = "external_integrated", _("external single-university")
    EXTERNAL_WIDE_AREA = "external_wide_area", _("external wide-area")


class LegalForm(models.TextChoices):
    KABUSHIKI_KAISHA = "kabushiki_kaisha", _("kabushiki kaisha (K.K.)")
    YUGEN_KAISHA = "yugen_kaisha", _("yugen kaisha")
    ZAIDAN_HOJIN = "zaidan_hojin", _("foundation (zaidan hojin)")
    GODO_KAISHA = "godo_kaisha", _("godo kaisha (LLC)")
    UNIVERSITY = "university", _("part of a university")


class Specialisation(models.TextChoices):
    GENERAL = "general", _("general")
    PHARMA = "pharma", _("pharmaceutical")
    MATERIALS = "materials", _("materials")
    IT = "it", _("IT")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    REVOKED = "revoked", _("revoked")


class ConsolidationKind(models.TextChoices):
    INTERNALISATION = "internalisation", _("internalisation")
    MERGER = "merger", _("merger")
    ABOLITION = "abolition", _("abolition")


class Ministry(models.TextChoices):
    MEXT = "mext", _("MEXT")
    METI = "meti", _("METI")


class Role(models.TextChoices):
    TLO_STAFF = "tlo_staff", _("TLO staff")
    REVIEWER = "reviewer", _("reviewer")
    OFFICIAL = "official", _("official")
    VIEWER = "viewer", _("viewer")
    ADMINISTRATOR = "administrator", _("administrator")


# Roles that act for one ministry, and must name it.
MINISTRY_ROLES = (Role.REVIEWER, Role.OFFICIAL)
