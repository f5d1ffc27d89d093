from django import forms
from django.utils.translation import gettext_lazy as _

from core.amounts import AmountUnit
from core.forms import NoLabelSuffix


class RegistryUploadForm(NoLabelSuffix, forms.Form):
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


class AmountUnitForm(NoLabelSuffix, forms.Form):
    """The header's switch between 円, 千円 and 百万円."""

    amount_unit = forms.ChoiceField(label=_("Amounts in"), choices=AmountUnit.choices)
    next = forms.CharField(required=False, max_length=2000)
