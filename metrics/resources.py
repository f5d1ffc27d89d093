"""django-import-export resources for annual reports: the admin's import and export.

The web import and import_reports do not use this (they preview, check rights and
write in bulk through metrics.services.imports); the benchmark uses it as the stock
baseline. Columns are the codes of export_reports, so a file exported by one reads in
the other.
"""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from institutions.models import Institution

from .models import AnnualReport
from .report_fields import REPORT_FIELD_CODES

RESOURCE_COLUMNS = ("institution", "fiscal_year", *REPORT_FIELD_CODES)


class AnnualReportResource(resources.ModelResource):
    """Institution by code, one report per institution and fiscal year; otherwise the
    library's default options."""

    institution = fields.Field(
        attribute="institution",
        column_name="institution",
        widget=ForeignKeyWidget(Institution, field="code"),
    )

    class Meta:
        model = AnnualReport
        import_id_fields = ("institution", "fiscal_year")
        fields = RESOURCE_COLUMNS
        export_order = RESOURCE_COLUMNS
