"""django-import-export resources for the registry: the admin's import and export,
and the list page's downloads. Columns are the codes of the data files."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from .models import Institution, Region
from .registry_file import REGISTRY_COLUMNS

# The registry file's columns (institutions.registry_file): what the list downloads is
# what the registry upload reads.
EXPORT_COLUMNS = REGISTRY_COLUMNS


class InstitutionResource(resources.ModelResource):
    region = fields.Field(
        attribute="region", column_name="region", widget=ForeignKeyWidget(Region, field="code")
    )

    class Meta:
        model = Institution
        import_id_fields = ("code",)
        fields = EXPORT_COLUMNS
        export_order = EXPORT_COLUMNS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
