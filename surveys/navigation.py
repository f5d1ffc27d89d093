"""The survey's link in the header (core.sections), and its summary on the scoring page
(settings.SCORING_PAGE_SECTIONS: reviews shows it without importing surveys)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.sections import NavItem, Section
from institutions.models import Institution, User

from . import permissions
from .models import Survey
from .pages import FEWER_THAN_FIVE, SCALE_HEADS, summary_for


def navigation(*, user: User) -> list[NavItem]:
    if not (permissions.can_manage_surveys(user) or permissions.staff_institutions(user)):
        return []
    return [
        NavItem(
            "surveys",
            _("Customer survey"),
            reverse("surveys:list"),
            _("The survey of the TLOs' customers: the lists, the invitations and the results."),
        )
    ]


def scoring_section(*, user: User, institution: Institution, fiscal_year: int) -> Section | None:
    """The TLO's survey summary on a reviewer's scoring page (the page checked that the
    reviewer is assigned): counts and rate, and the means only from 5 answers."""
    survey = (
        Survey.objects.filter(closed_at__isnull=False, fiscal_year__lte=fiscal_year)
        .order_by("-fiscal_year")
        .first()
    )
    if survey is None:
        return None
    return Section(
        "surveys/_summary_section.html",
        {
            "survey": survey,
            "summary": summary_for(survey, institution),
            "fewer_than_five": FEWER_THAN_FIVE,
            "scale_heads": SCALE_HEADS,
        },
    )
