"""The survey's forms. The answer form carries no TLO or survey: those come from the token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NoLabelSuffix
from institutions.fiscal_years import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

from .enums import NOT_APPLICABLE, SCALE, Relation, WorkAgain
from .models import COMMENT_MAX, DEFAULT_WORDING, WORDING_FIELDS, Survey

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class SurveyForm(NoLabelSuffix, forms.ModelForm):
    fiscal_year = forms.IntegerField(
        label=_("fiscal year"), min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )

    class Meta:
        model = Survey
        fields = ["fiscal_year", "opens_on", "closes_on", *WORDING_FIELDS]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["fiscal_year"]
        else:
            # A new survey starts from the standard questions; officials adjust them.
            for name in WORDING_FIELDS:
                self.fields[name].initial = DEFAULT_WORDING[name]

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The closing date must not be before the opening date."))
        return data

    def validate_unique(self):
        """The service says it in words (one survey per fiscal year)."""

    def wording(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in WORDING_FIELDS}


class ContactForm(NoLabelSuffix, forms.Form):
    company = forms.CharField(label=_("company"), max_length=200)
    person = forms.CharField(label=_("contact person"), max_length=100)
    email = forms.EmailField(label=_("e-mail address"), max_length=254)
    relation = forms.ChoiceField(label=_("relation"), choices=Relation.choices)


class ContactUploadForm(NoLabelSuffix, forms.Form):
    file = forms.FileField(
        label=_("customer list file (CSV or XLSX)"),
        help_text=_(
            "Columns: company, person, email, relation (licensee, joint_research or "
            "other). CSV in UTF-8 or Shift_JIS, or XLSX. Up to 2 MB, at most 500 customers."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


def _scale_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[*[(str(v), t) for v, t in SCALE], ("", NOT_APPLICABLE)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class AnswerForm(NoLabelSuffix, forms.Form):
    """The customer's answer. A 1–5 question left as 「該当しない」 is None."""

    desk = _scale_field("")
    contracting = _scale_field("")
    ip_handling = _scale_field("")
    work_again = forms.ChoiceField(label="", choices=WorkAgain.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": COMMENT_MAX}),
    )

    def __init__(self, *args, survey: Survey, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("desk", "contracting", "ip_handling"):
            self.fields[name].label = survey.question(name, language)
            self.fields[name].initial = ""
        self.fields["work_again"].label = survey.question("again", language)
        self.fields["comment"].label = survey.question("comment", language)

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"]
        if "\x00" in comment:
            raise forms.ValidationError(_("The comment contains a NUL character."))
        return comment
