"""Django admin for the system staff. People use the report pages; the admin is for repairs.

Every change here is recorded by django-simple-history with the administrator's name,
and moves the report's version on, so that a form opened before the repair cannot
overwrite it.
"""

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualReport, ImportJob, LicenceAgreement
from .report_fields import REPORT_FIELD_CODES


class LicenceInline(admin.TabularInline):
    model = LicenceAgreement
    extra = 0
    fields = (
        "reference",
        "technology",
        "field",
        "licensee_kind",
        "licensee_in_region",
        "exclusive",
        "income",
    )


@admin.register(AnnualReport)
class AnnualReportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    list_display = ("institution", "fiscal_year", "state", "is_demo", "version", "updated_at")
    list_filter = ("state", "fiscal_year", "is_demo", "institution__kind")
    search_fields = ("institution__code", "institution__name_ja")
    list_select_related = ("institution",)
    autocomplete_fields = ("institution",)
    readonly_fields = ("version", "submitted_at", "accepted_at", "accepted_by", "created_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "institution",
                    "fiscal_year",
                    "state",
                    "is_demo",
                    "return_reason",
                    "reopen_reason",
                    "version",
                    "submitted_at",
                    "accepted_at",
                    "accepted_by",
                    "created_at",
                )
            },
        ),
        (None, {"fields": REPORT_FIELD_CODES}),
    )
    inlines = [LicenceInline]

    def get_resource_classes(self, request):
        # The import/export area owns the resource; imported here, when the admin's
        # import or export page is opened, so that this module loads without it.
        from .resources import AnnualReportResource

        return [AnnualReportResource]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "uploaded_by", "state", "total_rows", "created_at")
    list_filter = ("state",)
    readonly_fields = ("result",)
