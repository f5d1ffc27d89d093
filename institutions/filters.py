"""Filters of the institution list; the query parameters are stable codes."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .enums import InstitutionKind, InstitutionStatus, Specialisation, TloType
from .models import Institution, Region

# An empty filter shows everything, and says so (not Django's "---------").
ALL = _("all")


class InstitutionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=InstitutionKind.choices, empty_label=ALL
    )
    tlo_type = django_filters.ChoiceFilter(
        label=_("TLO type"), choices=TloType.choices, empty_label=ALL
    )
    region = django_filters.ModelChoiceFilter(
        label=_("region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label=ALL,
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=InstitutionStatus.choices, empty_label=ALL
    )
    specialisation = django_filters.ChoiceFilter(
        label=_("specialisation"), choices=Specialisation.choices, empty_label=ALL
    )

    class Meta:
        model = Institution
        fields = ["kind", "tlo_type", "region", "status", "specialisation"]
