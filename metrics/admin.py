"""Django admin for the system staff. People use the report pages; the admin is for repairs.

The admin is not a back door: a report's state, acceptance and institution are read-only
here (they change only through the workflow's services); a repair of figures goes through
metrics.services.reports.repair_report (history by the administrator, version moved on,
recompute queued for an accepted report); and reports are not imported here: the
product's import page, which previews, checks rights and writes through the services, is
the one way in (the admin keeps the export).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from core.forms import NoLabelSuffix
from core.versions import StaleVersion, VersionField, check_version

from .models import AnnualReport, ImportJob, LicenceAgreement
from .report_fields import REPORT_FIELD_CODES
from .resources import AnnualReportResource
from .services.reports import repair_report


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


class RepairForm(NoLabelSuffix, forms.ModelForm):
    """The admin's report form, with the version it was opened on."""

    opened_version = VersionField()

    class Meta:
        model = AnnualReport
        fields = REPORT_FIELD_CODES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["opened_version"].initial = self.instance.version

    def clean_opened_version(self):
        opened = self.cleaned_data["opened_version"]
        if self.instance.pk:
            try:
                check_version(AnnualReport.objects.get(pk=self.instance.pk), opened)
            except StaleVersion as stale:
                raise forms.ValidationError(str(stale)) from None
        return opened


@admin.register(AnnualReport)
class AnnualReportAdmin(ExportMixin, SimpleHistoryAdmin):
    list_display = ("institution", "fiscal_year", "state", "is_demo", "version", "updated_at")
    list_filter = ("state", "fiscal_year", "is_demo", "institution__kind")
    search_fields = ("institution__code", "institution__name_ja")
    list_select_related = ("institution",)
    autocomplete_fields = ("institution",)
    form = RepairForm
    readonly_fields = (
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
    fieldsets = (
        (None, {"fields": readonly_fields}),
        (None, {"fields": ("opened_version", *REPORT_FIELD_CODES)}),
    )
    inlines = [LicenceInline]

    def has_add_permission(self, request):
        # Reports are started by their institution's staff (or an import), not here.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_resource_classes(self, request):
        return [AnnualReportResource]

    def save_model(self, request, obj, form, change):
        """Nothing is saved here: save_related repairs figures and licence rows together,
        through the service, once it knows whether the licence rows changed."""
        if not change:
            raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        repair_report(
            actor=request.user,
            report=form.instance,
            figures={code: form.cleaned_data.get(code) for code in REPORT_FIELD_CODES},
            expected_version=form.cleaned_data["opened_version"],
            licences_changed=any(formset.has_changed() for formset in formsets),
        )
        super().save_related(request, form, formsets, change)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: a job moves only through metrics.services.imports."""

    list_display = ("original_name", "uploaded_by", "state", "total_rows", "created_at")
    list_filter = ("state",)
    exclude = ("result", "file")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
