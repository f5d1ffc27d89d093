"""Every kind and state of a notification. These strings appear nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationState(models.TextChoices):
    STAGED = "staged", _("waiting for release")
    QUEUED = "queued", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("not delivered")
    DISCARDED = "discarded", _("discarded")


class NotificationAction(models.TextChoices):
    RELEASE = "release", _("Release")
    DISCARD = "discard", _("Discard")
    DELIVER = "deliver", _("Delivery")
    FAIL = "fail", _("Delivery failure")
    RETRY = "retry", _("Send again")


class NotificationKind(models.TextChoices):
    """What a message is about. The apps that send them name their kind here."""

    # Annual data collection (metrics)
    REPORT_REMINDER = "report_reminder", _("reminder to report")
    REPORT_RETURNED = "report_returned", _("report returned")
    REPORT_ACCEPTED = "report_accepted", _("report accepted")
    REPORT_REOPENED = "report_reopened", _("report reopened")
    # Joint review (reviews)
    REVIEW_ASSIGNED = "review_assigned", _("review assignment")
    HEARING_SCHEDULED = "hearing_scheduled", _("hearing scheduled")
    HEARING_MOVED = "hearing_moved", _("hearing moved")
    SCORES_REOPENED = "scores_reopened", _("scores reopened")
    CONFLICT_DECLARED = "conflict_declared", _("conflict of interest declared")
    DECISION_PUBLISHED = "decision_published", _("decision published")
    # Licensee survey (surveys)
    SURVEY_INVITATION = "survey_invitation", _("survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("survey reminder")
    OTHER = "other", _("other")
