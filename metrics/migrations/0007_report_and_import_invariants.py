"""The database guards the reports' and imports' invariants (2 of 2, after 0006 filled
the times): a known state; a submitted report has its submission time, an accepted one
its acceptance time; only an accepted report names an acceptance; an applied import has
its time."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('institutions', '0003_partner_universities_full_names'),
        ('metrics', '0006_fill_acceptance_and_submission_times'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['draft', 'submitted', 'returned', 'accepted'])), name='report_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'submitted'), _negated=True), ('submitted_at__isnull', False), _connector='OR'), name='report_submitted_has_time'),
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'accepted'), _negated=True), ('accepted_at__isnull', False), _connector='OR'), name='report_accepted_has_time'),
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.CheckConstraint(condition=models.Q(('state', 'accepted'), models.Q(('accepted_at__isnull', True), ('accepted_by__isnull', True)), _connector='OR'), name='report_acceptance_only_when_accepted'),
        ),
        migrations.AddConstraint(
            model_name='importjob',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['uploaded', 'parsing', 'preview', 'failed', 'applying', 'applied', 'cancelled'])), name='import_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='importjob',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'applied'), _negated=True), ('applied_at__isnull', False), _connector='OR'), name='import_applied_has_time'),
        ),
    ]
