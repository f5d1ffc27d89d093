"""What the review grants elsewhere (settings.REPORT_ACCESS_GRANTS): an assigned,
unconflicted reviewer reads that institution's accepted annual reports while the cycle's
stage lets reviewers read the material, so the report pages work for them."""

from __future__ import annotations

from django.db.models import Q

from metrics.enums import ReportState

from .enums import Activity
from .gates import STAGE_GATES
from .models import Assignment


def report_grants(*, user) -> Q | None:
    if not user.is_authenticated or not user.is_reviewer:
        return None
    stages = [stage for stage, open_ in STAGE_GATES.items() if Activity.READ_MATERIAL in open_]
    pairs = (
        Assignment.objects.filter(reviewer=user, entry__cycle__stage__in=stages)
        .unconflicted()
        .values_list("entry__institution_id", "entry__cycle__fiscal_year")
    )
    granted = Q(pk__in=[])
    for institution_id, fiscal_year in pairs:
        granted |= Q(
            institution_id=institution_id,
            fiscal_year__lte=fiscal_year,
            state=ReportState.ACCEPTED,
        )
    return granted
