"""The review's forms: they parse and check input; the services write."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.amounts import AmountError, parse_yen
from core.forms import NoLabelSuffix
from core.people import person_name
from core.validators import validate_single_line
from core.versions import VersionField, VersionForm
from institutions.enums import InstitutionKind, InstitutionStatus, Role, TloType
from institutions.fiscal_years import FiscalYearError, parse_fiscal_year
from institutions.models import Institution, Region, User

from .display import local_name
from .enums import ConflictKind, Recommendation, ScenarioKind, Stage, SupportTier
from .models import ConsolidationScenario, CycleEntry, ReviewCycle
from .services.scores import MAX_COMMENT, ScoreInput

MAX_TEXT = 20_000
MAX_REASON = 2000


class PersonChoiceField(forms.ModelChoiceField):
    """People shown by name and ministry, never by user name alone."""

    def label_from_instance(self, obj: User) -> str:
        return _person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _person_label(obj)


def _person_label(person: User) -> str:
    parts = [str(person.get_role_display())]
    if person.ministry:
        parts.append(str(person.get_ministry_display()))
    return f"{person_name(person)} ({' · '.join(parts)})"


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        return f"{local_name(obj)} ({obj.code})"


class MergePartnerField(forms.ModelChoiceField):
    """Institutions by name (no raw codes), grouped by region in the registry's order."""

    def label_from_instance(self, obj: Institution) -> str:
        return local_name(obj)

    def _grouped(self) -> list:
        queryset = self.queryset.select_related("region").order_by(
            "region__order", "region__pk", "name_ja"
        )
        groups: dict[str, list] = {}
        for institution in queryset:
            region = str(institution.region) if institution.region else "—"
            groups.setdefault(region, []).append(
                (self.prepare_value(institution), self.label_from_instance(institution))
            )
        return [("", self.empty_label), *groups.items()]

    @property
    def choices(self):
        # Lazy (a callable), as ModelChoiceField's own: no query before the form is shown.
        return CallableChoiceIterator(self._grouped)

    @choices.setter
    def choices(self, value) -> None:  # the queryset decides
        pass


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CycleEntry) -> str:
        return f"{local_name(obj.institution)} ({obj.institution.code})"


def _text(label, *, required: bool = False, rows: int = 4, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 80}),
    )


class NewCycleForm(NoLabelSuffix, forms.Form):
    fiscal_year = forms.CharField(
        label=_("fiscal year"),
        max_length=20,
        help_text=_("For example 2011, H23 or 平成23年度."),
    )

    def clean_fiscal_year(self) -> int:
        try:
            year = parse_fiscal_year(self.cleaned_data["fiscal_year"])
        except FiscalYearError:
            raise forms.ValidationError(
                _("Write a fiscal year such as 2011, H23 or 平成23年度.")
            ) from None
        if ReviewCycle.objects.filter(fiscal_year=year).exists():
            raise forms.ValidationError(_("A review cycle for this fiscal year exists already."))
        return year


class SettingsForm(NoLabelSuffix, forms.ModelForm):
    version = VersionField()

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
        self.fields["version"].initial = self.instance.version
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

    def setting_fields(self):
        """The cycle's own settings (thresholds, reviewers needed, quorum)."""
        return [self[name] for name in self._meta.fields]

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


class InstitutionsForm(NoLabelSuffix, forms.Form):
    """The institutions a cycle reviews: active reporting institutions (and any already
    in the cycle, whatever has become of them since)."""

    institutions = forms.ModelMultipleChoiceField(
        label=_("institutions in the review"),
        queryset=Institution.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField()

    def __init__(self, *args, cycle: ReviewCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = (
            Institution.objects.reporting()
            .filter(
                Q(status=InstitutionStatus.ACTIVE) | Q(pk__in=cycle.entries.values("institution"))
            )
            .select_related("region")
        )

    def groups(self) -> list[dict]:
        """The choices by kind, then region, for a page that reads at a glance: each kind
        with its regions, each region with its institutions and whether each is chosen."""
        chosen = {str(v) for v in (self["institutions"].value() or [])}
        kinds = dict(InstitutionKind.choices)
        institutions = self.fields["institutions"].queryset.order_by(
            "kind", "region__order", "region__code", "code"
        )
        by_kind: dict[str, dict[str, list]] = {}
        for institution in institutions:
            regions = by_kind.setdefault(institution.kind, {})
            items = regions.setdefault(local_name(institution.region), [])
            items.append((institution, str(institution.pk) in chosen))
        order = [InstitutionKind.APPROVED_TLO, InstitutionKind.CERTIFIED_TLO]
        return [
            {
                "kind": kinds.get(kind, kind),
                "open": kind == InstitutionKind.APPROVED_TLO
                or any(checked for items in regions.values() for _i, checked in items),
                "chosen": sum(checked for items in regions.values() for _i, checked in items),
                "total": sum(len(items) for items in regions.values()),
                "regions": [
                    {
                        "region": region,
                        "items": items,
                        "chosen": sum(checked for _i, checked in items),
                    }
                    for region, items in regions.items()
                ],
            }
            for kind, regions in sorted(
                by_kind.items(),
                key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order),
            )
        ]


class ReasonForm(NoLabelSuffix, forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=MAX_REASON)


class VersionReasonForm(VersionForm):
    reason = forms.CharField(label=_("reason"), required=False, max_length=MAX_REASON)


class StatementForm(NoLabelSuffix, forms.Form):
    version = VersionField()
    regional_necessity = _text(
        _("regional necessity"),
        rows=6,
        help_text=_(
            "Why your region needs your institution: whom you serve (universities, local "
            "companies), what would be lost without you, your results in the region."
        ),
    )
    improvement_plan = _text(
        _("improvement plan"),
        rows=6,
        help_text=_("What you are changing to improve your balance and results, and by when."),
    )
    regional_support = _text(
        _("regional support obtained"),
        rows=3,
        help_text=_("Support from the prefecture, cities and local industry; amounts below."),
    )


class SupportLineForm(NoLabelSuffix, forms.Form):
    provider = forms.CharField(
        label=_("from whom"), max_length=200, required=False, validators=[validate_single_line]
    )
    amount = forms.IntegerField(
        label=_("amount (yen)"), min_value=0, max_value=10**15, required=False
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("provider", "").strip()) != (data.get("amount") is not None):
            raise forms.ValidationError(_("Give both from whom and the amount, or neither."))
        return data


SupportLineFormSet = forms.formset_factory(SupportLineForm, extra=3, max_num=20, absolute_max=20)


class AttachmentForm(NoLabelSuffix, forms.Form):
    file = forms.FileField(label=_("attachment (PDF, XLSX or DOCX, up to 20 MB)"))


class ConflictForm(NoLabelSuffix, forms.Form):
    def __init__(self, *args, cycle: ReviewCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"] = EntryChoiceField(
            label=_("institution"),
            queryset=cycle.entries.select_related("institution").order_by("institution__code"),
        )
        self.fields["kind"] = forms.ChoiceField(label=_("kind"), choices=ConflictKind.choices)
        self.fields["reason"] = forms.CharField(
            label=_("reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2})
        )


class AffiliationForm(NoLabelSuffix, forms.Form):
    person = PersonChoiceField(
        label=_("reviewer or official"),
        queryset=User.objects.filter(
            role__in=[Role.REVIEWER, Role.OFFICIAL], is_active=True
        ).order_by("role", "ministry", "username"),
    )
    institution = forms.ModelChoiceField(
        label=_("institution"), queryset=Institution.objects.order_by("code")
    )


class AssignForm(NoLabelSuffix, forms.Form):
    def __init__(self, *args, cycle: ReviewCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"] = EntryChoiceField(
            label=_("institution"),
            queryset=cycle.entries.select_related("institution").order_by("institution__code"),
        )
        self.fields["reviewer"] = PersonChoiceField(
            label=_("reviewer"),
            queryset=User.objects.reviewers()
            .filter(is_active=True)
            .order_by("ministry", "username"),
        )


class HearingForm(NoLabelSuffix, forms.Form):
    version = VersionField()
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("start"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("end"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(
        label=_("place"), max_length=200, required=False, validators=[validate_single_line]
    )
    online_url = forms.URLField(
        label=_("online meeting link"), max_length=300, required=False, assume_scheme="https"
    )
    minutes = _text(_("minutes"), rows=6)

    def __init__(self, *args, attendee_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"] = PeopleChoiceField(
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


class ScoreForm(NoLabelSuffix, forms.Form):
    """One field pair per criterion: score_<code> (1–5 or blank) and comment_<code>.

    Not `editable` (outside scoring, or submitted): every field is disabled, so the page
    shows the scores without offering to change them."""

    def __init__(self, *args, criteria, editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.code}"] = forms.TypedChoiceField(
                label=c.name,
                choices=[(str(n), str(n)) for n in range(1, 6)] + [("", _("not scored yet"))],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                disabled=not editable,
            )
            self.fields[f"comment_{c.code}"] = forms.CharField(
                label=_("comment (required for 1 and 5)"),
                required=False,
                max_length=MAX_COMMENT,
                widget=forms.Textarea(attrs={"rows": 3}),
                disabled=not editable,
            )

    def score_inputs(self) -> dict[str, ScoreInput]:
        """The cleaned scores, by criterion code, for services.scores.record_scores."""
        return {
            c.code: ScoreInput(
                self.cleaned_data[f"score_{c.code}"], self.cleaned_data[f"comment_{c.code}"]
            )
            for c in self.criteria
        }

    def rows(self):
        """Per criterion: the score's choices, each beside its rubric text, and the
        comment."""
        rows = []
        for c in self.criteria:
            field = self[f"score_{c.code}"]
            rubric = dict(c.rubric())
            options = [
                {
                    "radio": radio,
                    "value": radio.data["value"],
                    "rubric": rubric.get(int(radio.data["value"])) if radio.data["value"] else "",
                }
                for radio in field
            ]
            rows.append(
                {
                    "criterion": c,
                    "score": field,
                    "options": options,
                    "comment": self[f"comment_{c.code}"],
                }
            )
        return rows


class DecisionForm(NoLabelSuffix, forms.Form):
    version = VersionField()
    tier = forms.ChoiceField(label=_("support tier"), choices=SupportTier.choices)
    recommendation = forms.ChoiceField(label=_("recommendation"), choices=Recommendation.choices)
    merge_partner = MergePartnerField(
        label=_("partner institution of the merger"),
        queryset=Institution.objects.approved_tlos().active(),
        required=False,
        help_text=_("Only for a merger."),
    )
    rationale = _text(_("rationale"), required=True, rows=5)

    def __init__(self, *args, institution: Institution | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A merger partner: another active approved TLO, never the institution itself.
        if institution is not None:
            field = self.fields["merge_partner"]
            field.queryset = field.queryset.exclude(pk=institution.pk)


# --- support allocation -------------------------------------------------------------


class YenField(forms.Field):
    """A yen amount as people type it (core.amounts.parse_yen), read in `unit` when the
    text names none."""

    MAX_LENGTH = 60

    def __init__(self, *args, unit: str = "yen", **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": self.MAX_LENGTH}))
        super().__init__(*args, **kwargs)
        self.unit = unit

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > self.MAX_LENGTH:
            raise forms.ValidationError(_("This amount is too long."))
        try:
            return parse_yen(text, self.unit)
        except AmountError as error:
            raise forms.ValidationError(str(error)) from None


def _weight_field(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_value=9999, decimal_places=2)


class AllocationForm(NoLabelSuffix, forms.Form):
    """The budget, the tier weights, and a floor and ceiling per institution (fields
    `floor_<code>`, `ceiling_<code>` for each institution given)."""

    version = VersionField()
    budget = YenField(
        label=_("budget"),
        help_text=_(
            "A whole number of thousand yen: 1,234,000,000, 12億3400万円, or a number in "
            "the unit you read amounts in."
        ),
    )
    weight_prioritised = _weight_field(_("weight of prioritised support"))
    weight_standard = _weight_field(_("weight of standard support"))
    weight_conditional = _weight_field(_("weight of conditional support"))
    weight_none = _weight_field(_("weight of no support"))

    def __init__(self, *args, institutions=(), unit: str = "yen", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].unit = unit
        self.institutions = list(institutions)
        for institution in self.institutions:
            name = local_name(institution)
            self.fields[f"floor_{institution.code}"] = YenField(
                label=_("floor: %(name)s") % {"name": name}, required=False, unit=unit
            )
            self.fields[f"ceiling_{institution.code}"] = YenField(
                label=_("ceiling: %(name)s") % {"name": name}, required=False, unit=unit
            )

    def weights(self) -> dict[str, object]:
        return {tier: self.cleaned_data[f"weight_{tier}"] for tier in SupportTier.values}

    def limits(self) -> dict[int, tuple[int | None, int | None]]:
        return {
            institution.pk: (
                self.cleaned_data.get(f"floor_{institution.code}"),
                self.cleaned_data.get(f"ceiling_{institution.code}"),
            )
            for institution in self.institutions
        }

    def limit_rows(self):
        """(institution, floor field, ceiling field) for the template's table."""
        return [(i, self[f"floor_{i.code}"], self[f"ceiling_{i.code}"]) for i in self.institutions]


class AdjustmentForm(NoLabelSuffix, forms.Form):
    version = VersionField()
    amount = YenField(
        label=_("amount"),
        required=False,
        help_text=_("Leave empty to go back to the computed amount."),
    )
    reason = forms.CharField(label=_("reason"), required=False, max_length=MAX_REASON)

    def __init__(self, *args, unit: str = "yen", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].unit = unit


# --- consolidation scenarios --------------------------------------------------------


class InstitutionsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        return f"{local_name(obj)} ({obj.code})"


class ScenarioForm(NoLabelSuffix, forms.Form):
    version = VersionField()
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=ScenarioKind.choices)
    members = InstitutionsChoiceField(
        label=_("approved TLOs"),
        queryset=Institution.objects.approved_tlos().order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more for a merger; one for an internalisation."),
    )
    continuing = InstitutionChoiceField(
        label=_("continuing institution"),
        queryset=Institution.objects.approved_tlos().order_by("code"),
        required=False,
        help_text=_("Leave empty for a new institution."),
    )
    ip_headquarters = InstitutionChoiceField(
        label=_("university IP headquarters"),
        queryset=Institution.objects.filter(kind=InstitutionKind.IP_HEADQUARTERS).order_by("code"),
        required=False,
        help_text=_("Only for an internalisation."),
    )
    region = forms.ModelChoiceField(
        label=_("region of the combined institution"),
        queryset=Region.objects.order_by("order", "code"),
        required=False,
        help_text=_("Empty: the region of the member with the larger licence income."),
    )
    tlo_type = forms.ChoiceField(
        label=_("TLO type of the combined institution"),
        choices=[("", "—"), *TloType.choices],
        required=False,
    )
    saved_costs_percent = forms.DecimalField(
        label=_("shared costs saved (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=0,
        help_text=_("As a percentage of the members' combined personnel and patent costs."),
    )


class ScenarioLinkForm(VersionForm):
    scenario = forms.ModelChoiceField(
        label=_("consolidation scenario"), queryset=None, required=False
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = ConsolidationScenario.objects.filter(cycle=cycle)
