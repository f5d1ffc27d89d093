"""The review's forms: they parse and check input; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.enums import Role
from institutions.models import Institution, User

from .enums import ConflictKind, Recommendation, Stage, SupportTier
from .models import ReviewCycle

MAX_TEXT = 20_000


def _text(label, *, required: bool = False, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 80}),
    )


class NewCycleForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("fiscal year"), min_value=1990, max_value=2100)

    def clean_fiscal_year(self):
        year = self.cleaned_data["fiscal_year"]
        if ReviewCycle.objects.filter(fiscal_year=year).exists():
            raise forms.ValidationError(_("A review cycle for this fiscal year exists already."))
        return year


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReviewCycle
        fields = [
            "home_run_threshold",
            "mext_reviewers_needed",
            "meti_reviewers_needed",
            "quorum",
            "aid_min_return_on_cost",
            "aid_min_home_runs",
            "aid_min_model_score",
            "aid_min_support_score",
        ]

    def __init__(self, *args, plans=(), criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = list(plans)
        self.criteria = list(criteria)
        for plan in self.plans:
            self.fields[f"plan_{plan.stage}"] = forms.DateField(
                label=Stage(plan.stage).label,
                required=False,
                initial=plan.planned_on,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        for c in self.criteria:
            self.fields[f"weight_{c.pk}"] = forms.DecimalField(
                label=_("weight"),
                min_value=0.01,
                max_value=100,
                decimal_places=2,
                max_digits=5,
                initial=c.weight,
            )
            for n in range(1, 6):
                self.fields[f"rubric_{c.pk}_{n}"] = forms.CharField(
                    label=str(n),
                    required=False,
                    max_length=2000,
                    initial=getattr(c, f"rubric_{n}"),
                    widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                )

    def criterion_rows(self):
        return [
            {
                "criterion": c,
                "weight": self[f"weight_{c.pk}"],
                "rubrics": [self[f"rubric_{c.pk}_{n}"] for n in range(1, 6)],
            }
            for c in self.criteria
        ]

    def plan_fields(self):
        return [self[f"plan_{p.stage}"] for p in self.plans]

    def planned(self) -> dict:
        return {p.stage: self.cleaned_data.get(f"plan_{p.stage}") for p in self.plans}

    def criteria_changes(self) -> dict:
        return {
            c.pk: {
                "weight": self.cleaned_data[f"weight_{c.pk}"],
                **{f"rubric_{n}": self.cleaned_data[f"rubric_{c.pk}_{n}"] for n in range(1, 6)},
            }
            for c in self.criteria
        }


class InstitutionsForm(forms.Form):
    institutions = forms.ModelMultipleChoiceField(
        label=_("institutions in the review"),
        queryset=Institution.objects.reporting().order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=2000)


class StatementForm(forms.Form):
    regional_necessity = _text(_("regional necessity"), rows=6)
    improvement_plan = _text(_("improvement plan"), rows=6)
    regional_support = _text(_("regional support obtained"), rows=3)


class SupportLineForm(forms.Form):
    provider = forms.CharField(label=_("from whom"), max_length=200, required=False)
    amount = forms.IntegerField(
        label=_("amount (yen)"), min_value=0, max_value=10**15, required=False
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("provider", "").strip()) != (data.get("amount") is not None):
            raise forms.ValidationError(_("Give both from whom and the amount, or neither."))
        return data


SupportLineFormSet = forms.formset_factory(SupportLineForm, extra=3, max_num=20, absolute_max=20)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("attachment (PDF, XLSX or DOCX, up to 20 MB)"))


class ConflictForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("institution"), queryset=Institution.objects.order_by("code")
    )
    kind = forms.ChoiceField(label=_("kind"), choices=ConflictKind.choices)
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AffiliationForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("reviewer"),
        queryset=User.objects.filter(role__in=[Role.REVIEWER, Role.OFFICIAL]).order_by("username"),
    )
    institution = forms.ModelChoiceField(
        label=_("institution"), queryset=Institution.objects.order_by("code")
    )


class AssignForm(forms.Form):
    def __init__(self, *args, cycle: ReviewCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"] = forms.ModelChoiceField(
            label=_("institution"),
            queryset=cycle.entries.select_related("institution").order_by("institution__code"),
        )
        self.fields["reviewer"] = forms.ModelChoiceField(
            label=_("reviewer"),
            queryset=User.objects.reviewers()
            .filter(is_active=True)
            .order_by("ministry", "username"),
        )


class HearingForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("start"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("end"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("online meeting link"), max_length=300, required=False, assume_scheme="https"
    )
    minutes = _text(_("minutes"), rows=6)

    def __init__(self, *args, attendee_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"] = forms.ModelMultipleChoiceField(
            label=_("attending reviewers and officials"),
            queryset=attendee_choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The hearing must end after it starts."))
        if not (data.get("place", "").strip() or data.get("online_url", "").strip()):
            self.add_error("place", _("Give a place or an online meeting link."))
        return data


class ScoreForm(forms.Form):
    """One field pair per criterion: score_<code> (1–5 or blank) and comment_<code>."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.code}"] = forms.TypedChoiceField(
                label=c.name,
                choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{c.code}"] = forms.CharField(
                label=_("comment"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
            )

    def rows(self):
        return [
            {"criterion": c, "score": self[f"score_{c.code}"], "comment": self[f"comment_{c.code}"]}
            for c in self.criteria
        ]


class DecisionForm(forms.Form):
    tier = forms.ChoiceField(label=_("support tier"), choices=SupportTier.choices)
    recommendation = forms.ChoiceField(label=_("recommendation"), choices=Recommendation.choices)
    merge_partner = forms.ModelChoiceField(
        label=_("partner institution of the merger"),
        queryset=Institution.objects.reporting().order_by("code"),
        required=False,
    )
    rationale = _text(_("rationale"), required=True, rows=5)
