"""The licensee survey: a round per fiscal year, each TLO's customer contacts with their
single-use invitation, and the anonymous answers."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.enums import JobState
from core.models import BackgroundJob
from core.storage import generated_path, get_private_storage
from institutions.models import Institution
from notifications.models import Notification

from .enums import Relation, SurveyPhase, WorkAgain

COMMENT_MAX = 2_000

DEFAULT_WORDING = {
    "desk_question_ja": "窓口の対応(問い合わせへの応答の速さ・分かりやすさ)に満足していますか。",
    "desk_question_en": "How satisfied are you with the contact desk (speed and clarity of replies)?",
    "contracting_question_ja": "契約手続き(速さ・分かりやすさ)に満足していますか。",
    "contracting_question_en": "How satisfied are you with the contracting (speed, clarity)?",
    "ip_handling_question_ja": "知的財産の取扱い(権利化・管理・説明)に満足していますか。",
    "ip_handling_question_en": "How satisfied are you with the handling of the IP?",
    "again_question_ja": "今後もこのTLOと取引したいと思いますか。",
    "again_question_en": "Would you work with this TLO again?",
    "comment_question_ja": "ご意見・ご要望があればお書きください(2,000字以内)。",
    "comment_question_en": "Any comment or request (at most 2,000 characters).",
}
WORDING_FIELDS = tuple(DEFAULT_WORDING)


class Survey(models.Model):
    """One fiscal year's survey of the TLOs' customers."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    opens_on = models.DateField(_("opening date"))
    # The last day on which a customer may answer (Japan time, the whole day).
    closes_on = models.DateField(_("closing date"))
    desk_question_ja = models.CharField(_("contact desk (Japanese)"), max_length=300)
    desk_question_en = models.CharField(_("contact desk (English)"), max_length=300)
    contracting_question_ja = models.CharField(_("contracting (Japanese)"), max_length=300)
    contracting_question_en = models.CharField(_("contracting (English)"), max_length=300)
    ip_handling_question_ja = models.CharField(_("handling of IP (Japanese)"), max_length=300)
    ip_handling_question_en = models.CharField(_("handling of IP (English)"), max_length=300)
    again_question_ja = models.CharField(_("work again (Japanese)"), max_length=300)
    again_question_en = models.CharField(_("work again (English)"), max_length=300)
    comment_question_ja = models.CharField(_("comment (Japanese)"), max_length=300)
    comment_question_en = models.CharField(_("comment (English)"), max_length=300)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("contacts erased at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("customer survey")
        verbose_name_plural = _("customer surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}"

    def phase_on(self, day: datetime.date) -> str:
        if self.closed_at is not None:
            return SurveyPhase.CLOSED
        if day < self.opens_on:
            return SurveyPhase.SCHEDULED
        return SurveyPhase.OPEN

    @property
    def phase(self) -> str:
        return self.phase_on(timezone.localdate())

    def get_phase_display(self) -> str:
        return str(SurveyPhase(self.phase).label)

    def is_answerable_on(self, day: datetime.date) -> bool:
        return self.phase_on(day) == SurveyPhase.OPEN and day <= self.closes_on

    def question(self, name: str, language: str) -> str:
        english = getattr(self, f"{name}_question_en")
        return english if language == "en" and english else getattr(self, f"{name}_question_ja")


class ContactQuerySet(models.QuerySet):
    def invited(self) -> ContactQuerySet:
        return self.filter(invited_at__isnull=False)

    def answered(self) -> ContactQuerySet:
        return self.filter(answered_at__isnull=False)


class Contact(models.Model):
    """A customer of a TLO asked to answer: who, and the state of their invitation.

    Only the hash of the invitation's token is kept (core.tokens). Thirty days after the
    survey closes the company, person and address are erased; the row stays so that the
    counts (invited, answered) remain."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("survey")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    company = models.CharField(_("company"), max_length=200)
    person = models.CharField(_("contact person"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    # The outbox messages written to this contact, erased with the contact.
    messages = models.ManyToManyField(Notification, related_name="+", blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["company", "email", "pk"]
        verbose_name = _("survey contact")
        verbose_name_plural = _("survey contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "institution", "email"],
                condition=~Q(email=""),
                name="survey_contact_unique_address",
            ),
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="survey_token_unique"
            ),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="survey_contact_relation_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} <{self.email}>"


def contact_file_path(instance: ContactUpload, filename: str) -> str:
    """Customer lists are stored privately under a generated name (core.storage)."""
    return generated_path("contacts", filename, keep_suffixes=(".csv", ".xlsx"))


class ContactUpload(BackgroundJob):
    """An uploaded customer list, checked and added in the background (core.jobs):
    uploaded → checking → applied with the count, or failed with the problems, each
    naming its row and column. The file, which holds personal data, is deleted once it
    was read; the problems are erased with the contacts (surveys.services.erasure)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="contact_uploads", verbose_name=_("survey")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_uploads",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(
        _("file"),
        upload_to=contact_file_path,
        storage=get_private_storage,
        max_length=200,
        blank=True,
    )
    original_name = models.CharField(_("file name"), max_length=255)
    # The language of the person who uploaded it: the problems are worded in it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    added = models.PositiveIntegerField(_("customers added"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer list upload")
        verbose_name_plural = _("customer list uploads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="contact_upload_progress_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=JobState.values), name="contact_upload_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class AnswerQuerySet(models.QuerySet):
    def of(self, survey: Survey) -> AnswerQuerySet:
        return self.filter(survey=survey)


def _score_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"survey_answer_{name}_1_to_5",
    )


class Answer(models.Model):
    """One customer's answer. Not linked to the contact: nobody can tell who said what.
    A blank score is 「該当しない」."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="answers", verbose_name=_("survey")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    desk = models.PositiveSmallIntegerField(_("contact desk"), null=True, blank=True)
    contracting = models.PositiveSmallIntegerField(_("contracting"), null=True, blank=True)
    ip_handling = models.PositiveSmallIntegerField(_("handling of IP"), null=True, blank=True)
    work_again = models.CharField(_("work again"), max_length=8, choices=WorkAgain.choices)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    answered_on = models.DateField(_("answered on"))

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            _score_check("desk"),
            _score_check("contracting"),
            _score_check("ip_handling"),
            models.CheckConstraint(
                condition=Q(work_again__in=WorkAgain.values), name="survey_answer_again_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.institution_id} #{self.pk}"
