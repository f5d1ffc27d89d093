from django import forms
from django.utils.translation import gettext_lazy as _


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("institution list file (CSV or XLSX)"),
        help_text=_(
            "The columns of the institution list's download (a download uploads back "
            "unchanged). CSV in UTF-8 or Shift_JIS, or XLSX. Up to 10 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
