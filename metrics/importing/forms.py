"""The upload form of the spreadsheet import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import limits


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("spreadsheet (XLSX or CSV)"),
        help_text=_(
            "One row per institution and fiscal year, with the template's headers (Japanese "
            "labels or field codes). CSV in UTF-8 or Shift_JIS. Up to 10 MB and 100,000 rows."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limits.max_file_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": limits.max_file_bytes() // limits.MB}
            )
        return upload
