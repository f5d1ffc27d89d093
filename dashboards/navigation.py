"""The dashboards' link in the header and on the home page (core.sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.sections import NavItem
from institutions.models import User

from . import permissions


def navigation(*, user: User) -> list[NavItem]:
    items = []
    if permissions.can_view_dashboards(user):
        items.append(
            NavItem(
                "dashboards",
                _("Dashboards"),
                reverse("dashboards:national"),
                _(
                    "Where technology transfer stands at a glance: national totals, rankings, "
                    "trends, regions and TLO types, and each TLO against its peers."
                ),
            )
        )
    return items
