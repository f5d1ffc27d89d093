"""The queries behind the import pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from institutions.models import User

from ..models import ImportJob


def import_job_of(*, user: User, pk: int) -> ImportJob:
    """One of this person's own import jobs; anyone else's is a 404, officials' included."""
    return get_object_or_404(
        ImportJob.objects.select_related("uploaded_by"), pk=pk, uploaded_by=user
    )


def recent_import_jobs(*, user: User, limit: int = 10) -> QuerySet[ImportJob]:
    """This person's latest uploads, without the stored previews (they can be large)."""
    return (
        ImportJob.objects.filter(uploaded_by=user).defer("result").order_by("-created_at")[:limit]
    )
