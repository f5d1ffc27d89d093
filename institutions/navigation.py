"""The registry's links in the header and on the home page (core.sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.sections import NavItem, Section

from . import permissions
from .models import User


def navigation(*, user: User) -> list[NavItem]:
    if not permissions.can_view_registry(user):
        return []
    return [
        NavItem(
            "institutions",
            _("Institution list"),
            reverse("institutions:list"),
            _(
                "Approved and certified TLOs, university IP headquarters, their partners and "
                "consolidation history."
            ),
        ),
        NavItem(
            "timeline",
            _("Registry timeline"),
            reverse("institutions:timeline"),
            _("Approvals per fiscal year by TLO type, and consolidations."),
        ),
    ]


def home_panel(*, user: User) -> Section | None:
    """TLO staff: the institutions they report for."""
    if not user.is_tlo_staff:
        return None
    return Section(
        "institutions/_home_institutions.html",
        {"institutions": list(user.institutions.order_by("code"))},
    )
