"""The metrics app's links in the header and on the home page (core.sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.sections import NavItem, Section
from institutions.models import User

from . import permissions
from .selectors import collection


def navigation(*, user: User) -> list[NavItem]:
    items = []
    if permissions.can_list_reports(user):
        items.append(
            NavItem(
                "reports",
                _("Annual reports"),
                reverse("metrics:report_list"),
                _(
                    "Enter an institution's figures for a fiscal year, or upload them from a "
                    "spreadsheet; submit, check and accept them."
                ),
            )
        )
    if permissions.can_view_collection_status(user):
        items.append(
            NavItem(
                "collection",
                _("Collection status"),
                reverse("metrics:collection_status"),
                _(
                    "Who has reported for a fiscal year: collection rounds, deadlines, "
                    "reporting and on-time rates, reminders."
                ),
            )
        )
    if permissions.can_import(user):
        items.append(
            NavItem(
                "import",
                _("Spreadsheet import"),
                reverse("metrics:import_upload"),
                _("Upload annual figures from an XLSX or CSV file, check the preview, confirm."),
            )
        )
    if permissions.can_view_anonymised_metrics(user):
        items.append(
            NavItem(
                "metrics",
                _("Metrics"),
                reverse("metrics:catalogue"),
                _(
                    "Licence rate (打率), return on cost (打点), commercialisation rate "
                    "(ホームラン率) and the other indicators, with rankings and aggregates."
                ),
            )
        )
    return items


def collection_panel(*, user: User) -> Section | None:
    """The home page's collection panel: for TLO staff, the open rounds that expect their
    institutions with their report's state, the deadline and a return's reason; for
    officials, the queue's length and who has not reported in each running round."""
    if permissions.can_judge_reports(user):
        queue, rounds = collection.official_overview()
        return Section("metrics/collection/_home_official.html", {"queue": queue, "rounds": rounds})
    if user.is_tlo_staff:
        entries = collection.staff_rounds(user)
        if not entries:
            return None
        return Section("metrics/collection/_home_staff.html", {"entries": entries})
    return None
