"""Give every report the times its state implies, before 0007 makes the database require
them (1 of 2: the data; on PostgreSQL a migration that writes rows and then alters the
same table in one transaction fails with "pending trigger events").

Until now the demo, and earlier versions of the import, stored accepted reports without
their acceptance time or the official who accepted them. For each accepted report
without an acceptance time, and each submitted report without a submission time, the
time is taken from its history: the record at which the report last entered that state
(its history_date), and for an acceptance the person that record names, if any, as the
official who accepted (a report that names one already keeps it). A report whose history
does not show the change takes its last change (updated_at). A report that is not
accepted but still names an acceptance (none should: reopening clears it) loses it; its
history keeps it. An applied import without its time takes the time its state last
changed.

Nothing of this is undone when migrating backwards: the times stay, and were true.
The state names are written out here, as they were, not imported from metrics.enums.
"""

from django.db import migrations
from django.db.models import Q

ACCEPTED, SUBMITTED, APPLIED = "accepted", "submitted", "applied"
CHUNK = 1000


def _entries(HistoricalAnnualReport, report_ids, state):
    """Report id → (history_date, history_user_id) of the record at which the report
    last entered `state`."""
    entered = {}
    for start in range(0, len(report_ids), CHUNK):
        chunk = report_ids[start : start + CHUNK]
        records = (
            HistoricalAnnualReport.objects.filter(id__in=chunk)
            .order_by("id", "history_date", "history_id")
            .values_list("id", "state", "history_date", "history_user_id")
        )
        previous = {}
        for report_id, record_state, when, user_id in records:
            if record_state == state and previous.get(report_id) != state:
                entered[report_id] = (when, user_id)
            previous[report_id] = record_state
    return entered


def fill_times(apps, schema_editor):
    AnnualReport = apps.get_model("metrics", "AnnualReport")
    HistoricalAnnualReport = apps.get_model("metrics", "HistoricalAnnualReport")
    ImportJob = apps.get_model("metrics", "ImportJob")

    unaccepted = list(
        AnnualReport.objects.filter(state=ACCEPTED, accepted_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "accepted_by_id", "updated_at")
    )
    entered = _entries(HistoricalAnnualReport, [pk for pk, _, _ in unaccepted], ACCEPTED)
    for pk, accepted_by_id, updated_at in unaccepted:
        when, user_id = entered.get(pk, (updated_at, None))
        AnnualReport.objects.filter(pk=pk).update(
            accepted_at=when, accepted_by_id=accepted_by_id or user_id
        )

    unsubmitted = list(
        AnnualReport.objects.filter(state=SUBMITTED, submitted_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "updated_at")
    )
    entered = _entries(HistoricalAnnualReport, [pk for pk, _ in unsubmitted], SUBMITTED)
    for pk, updated_at in unsubmitted:
        when, _user_id = entered.get(pk, (updated_at, None))
        AnnualReport.objects.filter(pk=pk).update(submitted_at=when)

    AnnualReport.objects.exclude(state=ACCEPTED).filter(
        Q(accepted_at__isnull=False) | Q(accepted_by__isnull=False)
    ).update(accepted_at=None, accepted_by=None)

    for job in ImportJob.objects.filter(state=APPLIED, applied_at__isnull=True).only(
        "pk", "state_changed_at"
    ):
        ImportJob.objects.filter(pk=job.pk).update(applied_at=job.state_changed_at)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0005_collection_rounds")]

    operations = [migrations.RunPython(fill_times, migrations.RunPython.noop)]
