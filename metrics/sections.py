"""What the metrics app adds to an institution's page (institutions.sections)."""

from __future__ import annotations

from core.cache import lazily_cached_data, page_key
from core.sections import Section
from institutions.audience import audience_key
from institutions.models import Institution, User

from .permissions import can_create_report, can_view_institution_metrics, can_view_report_list_of
from .selectors import reports as report_selectors
from .selectors.provenance import institution_metrics


def reports_section(*, user: User, institution: Institution) -> Section | None:
    """The institution's annual reports by fiscal year, for those who may see them."""
    if not can_view_report_list_of(user, institution):
        return None
    return Section(
        "metrics/reports/_institution_section.html",
        {
            "reports": report_selectors.institution_reports(institution, user=user),
            "can_create": can_create_report(user, institution),
        },
    )


def metrics_section(*, user: User, institution: Institution) -> Section | None:
    """The institution's metrics over the years with their provenance, for its staff and
    for officials; nothing for anyone else."""
    if not can_view_institution_metrics(user, institution):
        return None
    key = page_key("institution_metrics", (audience_key(user), institution.pk, user.amount_unit))
    return Section(
        "metrics/metric_pages/_institution_metrics.html",
        {
            "metrics": lazily_cached_data(
                key,
                lambda: institution_metrics(institution=institution, amount_unit=user.amount_unit),
            ),
            "fragment_key": key,
        },
    )
