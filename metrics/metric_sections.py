"""The metrics section of an institution's page (institutions.sections)."""

from __future__ import annotations

from institutions.models import Institution, User
from institutions.sections import Section

from .permissions import can_view_institution_metrics
from .selectors.provenance import institution_metrics


def metrics_section(*, user: User, institution: Institution) -> Section | None:
    """The institution's metrics over the years with their provenance, for its staff and
    for officials; nothing for anyone else."""
    if not can_view_institution_metrics(user, institution):
        return None
    return Section(
        "metrics/metric_pages/_institution_metrics.html",
        {"metrics": institution_metrics(institution=institution)},
    )
