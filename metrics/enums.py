"""Every status and kind of the metrics app. These strings appear nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    ACCEPTED = "accepted", _("accepted")


class LicenseeKind(models.TextChoices):
    LARGE_COMPANY = "large_company", _("large company")
    SME = "sme", _("SME")
    STARTUP = "startup", _("start-up")
    FOREIGN = "foreign", _("foreign company")
    OTHER = "other", _("other")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    PARSING = "parsing", _("checking")
    PREVIEW = "preview", _("ready to confirm")
    FAILED = "failed", _("has errors")
    APPLYING = "applying", _("applying")
    APPLIED = "applied", _("applied")
    CANCELLED = "cancelled", _("cancelled")


class Window(models.TextChoices):
    """Which reports an operand sums: the fiscal year's, or a span ending with it."""

    YEAR = "year", _("single fiscal year")
    ROLLING_3 = "rolling_3", _("last three fiscal years")
    CUMULATIVE = "cumulative", _("cumulative")


class Combination(models.TextChoices):
    """How the numerator and the denominator make the value."""

    RATIO = "ratio", _("numerator ÷ denominator")
    DIFFERENCE = "difference", _("numerator − denominator")
    TOTAL = "total", _("numerator alone")
    MEAN = "mean", _("mean of the figures")


class MetricUnit(models.TextChoices):
    """How a value is shown. Percent and ratio values are both stored as plain fractions."""

    PERCENT = "percent", _("percent")
    RATIO = "ratio", _("ratio")
    YEN = "yen", _("yen")
    COUNT = "count", _("count")
    SCORE = "score", _("score (1–5)")


class ValueStatus(models.TextChoices):
    DEFINED = "defined", _("defined")
    ZERO_DENOMINATOR = "zero_denominator", _("not defined: the denominator is zero")
    MISSING = "missing", _("not defined: a figure was not reported")


class ReportAction(models.TextChoices):
    """What a person does to a report. The value is also the history's change reason."""

    CREATE = "create", pgettext_lazy("report action", "Creation")
    EDIT = "edit", pgettext_lazy("report action", "Edit")
    SUBMIT = "submit", pgettext_lazy("report action", "Submission")
    RETURN = "return", pgettext_lazy("report action", "Return")
    ACCEPT = "accept", pgettext_lazy("report action", "Acceptance")
    # An official's import "as accepted": figures the ministries already hold.
    ACCEPT_BY_IMPORT = "accept_by_import", pgettext_lazy("report action", "Acceptance by import")
    REOPEN = "reopen", pgettext_lazy("report action", "Reopening")
    DELETE = "delete", pgettext_lazy("report action", "Deletion")


class CollectionState(models.TextChoices):
    """Where an expected institution stands in a collection round (the status page)."""

    MISSING = "missing", _("not started")
    DRAFT = ReportState.DRAFT.value, ReportState.DRAFT.label
    SUBMITTED = ReportState.SUBMITTED.value, ReportState.SUBMITTED.label
    RETURNED = ReportState.RETURNED.value, ReportState.RETURNED.label
    ACCEPTED = ReportState.ACCEPTED.value, ReportState.ACCEPTED.label


class RoundState(models.TextChoices):
    """A collection round (報告依頼): open for reports and reminders, or closed."""

    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class RoundAction(models.TextChoices):
    OPEN = "open", pgettext_lazy("round action", "Opening")
    CHANGE = "change", pgettext_lazy("round action", "Change")
    CLOSE = "close", pgettext_lazy("round action", "Closing")
    REOPEN = "reopen", pgettext_lazy("round action", "Reopening")


class ReminderTiming(models.TextChoices):
    """Whether a reminder went before the deadline or after it."""

    BEFORE = "before", _("before the deadline")
    AFTER = "after", _("after the deadline")


class RowOutcome(models.TextChoices):
    """What confirming an import does with one row of the file."""

    NEW = "new", _("new")
    CHANGED = "changed", _("changed")
    UNCHANGED = "unchanged", _("unchanged")
    ERROR = "error", _("error")


class ImportAction(models.TextChoices):
    """What happens to an import job: the person's steps and the system's."""

    CHECK = "check", _("checking")
    SHOW_PREVIEW = "show_preview", _("preview ready")
    CONFIRM = "confirm", _("confirmation")
    APPLY = "apply", _("application")
    FAIL = "fail", _("failure")
    CANCEL = "cancel", _("cancellation")
