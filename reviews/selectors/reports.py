"""The annual reports the review shows as material: the accepted reports of an institution
up to the cycle's fiscal year, for the people who may read its material (officials, and
its assigned, unconflicted reviewers while the stage allows: permissions.can_view_material).

This is the only way a reviewer reads a report: metrics' own report pages show reports
to officials and the institution's staff only (AnnualReport.objects.visible_to), so a
conflict declared here removes a reviewer's access at once, everywhere.
"""

from __future__ import annotations

from django.db.models import QuerySet

from institutions.models import User
from metrics.models import AnnualReport

from ..models import CycleEntry
from ..permissions import can_view_material


def material_reports(entry: CycleEntry, *, user: User) -> QuerySet[AnnualReport]:
    """The accepted reports of the institution up to the cycle's year that this person may
    read as review material, newest first; none for anyone else."""
    if not can_view_material(user, entry):
        return AnnualReport.objects.none()
    return (
        AnnualReport.objects.accepted()
        .filter(institution=entry.institution, fiscal_year__lte=entry.cycle.fiscal_year)
        .order_by("-fiscal_year")
    )


def material_report(entry: CycleEntry, *, user: User, fiscal_year: int) -> AnnualReport:
    """One of those reports; AnnualReport.DoesNotExist when it is not one of them."""
    return (
        material_reports(entry, user=user)
        .select_related("institution")
        .get(fiscal_year=fiscal_year)
    )
