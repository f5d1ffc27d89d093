from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ConsolidationEvent,
    Institution,
    InstitutionAlias,
    Membership,
    Partnership,
    Region,
    User,
)
from .resources import InstitutionResource


class AliasInline(admin.TabularInline):
    model = InstitutionAlias
    extra = 0
    fields = ("name",)


class PartnershipInline(admin.TabularInline):
    model = Partnership
    fk_name = "tlo"
    extra = 0
    autocomplete_fields = ("university",)


@admin.register(Institution)
class InstitutionAdmin(ExportMixin, SimpleHistoryAdmin):
    """The registry for system staff: export here; files are loaded on the registry upload
    page (/institutions/upload/), which checks every column and writes through
    institutions.services, not here."""

    resource_classes = [InstitutionResource]
    list_display = (
        "code",
        "name_ja",
        "name_kana",
        "kind",
        "tlo_type",
        "region",
        "status",
        "approval_fy",
    )
    list_filter = ("kind", "tlo_type", "region", "status", "specialisation")
    search_fields = ("code", "name_ja", "name_kana", "name_en", "aliases__name")
    inlines = [AliasInline, PartnershipInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ja", "name_en", "order")


@admin.register(ConsolidationEvent)
class ConsolidationEventAdmin(SimpleHistoryAdmin):
    list_display = ("predecessor", "kind", "successor", "occurred_on")
    list_filter = ("kind",)
    autocomplete_fields = ("predecessor", "successor")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("institution",)


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "ministry", "is_active")
    list_filter = ("role", "ministry", "is_active")
    fieldsets = (*UserAdmin.fieldsets, (_("Role"), {"fields": ("role", "ministry")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("Role"), {"fields": ("role", "ministry")}))
    inlines = [MembershipInline]
