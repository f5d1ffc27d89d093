"""What the metrics app adds to an institution's page (institutions.sections)."""

from __future__ import annotations

from institutions.models import Institution, User
from institutions.permissions import can_see_all_institutions, is_member
from institutions.sections import Section

from .permissions import can_create_report
from .selectors import reports as selectors


def reports_section(*, user: User, institution: Institution) -> Section | None:
    """The institution's annual reports by fiscal year, for its staff and for officials."""
    if not (can_see_all_institutions(user) or is_member(user, institution)):
        return None
    return Section(
        "metrics/reports/_institution_section.html",
        {
            "reports": selectors.institution_reports(institution),
            "can_create": can_create_report(user, institution),
        },
    )
