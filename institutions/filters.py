"""Filters of the institution list; the query parameters are stable codes."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .enums import InstitutionKind, InstitutionStatus, Specialisation, TloType
from .models import Institution, Region


class InstitutionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=InstitutionKind.choices)
    tlo_type = django_filters.ChoiceFilter(label=_("TLO type"), choices=TloType.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("region"),
        queryset=Region.objects.all(),
        to_field_name="code",
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=InstitutionStatus.choices)
    specialisation = django_filters.ChoiceFilter(
        label=_("specialisation"), choices=Specialisation.choices
    )

    class Meta:
        model = Institution
        fields = ["kind", "tlo_type", "region", "status", "specialisation"]
