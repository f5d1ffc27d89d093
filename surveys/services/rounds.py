"""Opening, editing, starting and closing a survey."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import User
from metrics.services.survey_results import SurveyFigures, record_survey_results

from ..enums import SurveyAction
from ..models import DEFAULT_WORDING, WORDING_FIELDS, Survey
from ..selectors import tlo_results
from ..workflow import SURVEY_WORKFLOW


class SurveyError(ValueError):
    """A survey that cannot be written as asked; the message is for the person."""


def _check_dates(opens_on: datetime.date, closes_on: datetime.date) -> None:
    if closes_on < opens_on:
        raise SurveyError(_("The closing date must not be before the opening date."))


@transaction.atomic
def create_survey(
    *,
    actor: User,
    fiscal_year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    wording: dict[str, str] | None = None,
) -> Survey:
    """Open a survey round for a fiscal year (the default wording unless given).

    Side effects: the survey is stored (with its history). One survey per fiscal year."""
    if not SURVEY_WORKFLOW[SurveyAction.EDIT].allowed(actor, None):
        raise SurveyError(_("Only officials open surveys."))
    _check_dates(opens_on, closes_on)
    if Survey.objects.filter(fiscal_year=fiscal_year).exists():
        raise SurveyError(_("There is already a survey for this fiscal year."))
    values: dict[str, Any] = {**DEFAULT_WORDING, **(wording or {})}
    return Survey.objects.create(
        fiscal_year=fiscal_year,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
        **{name: values[name] for name in WORDING_FIELDS},
    )


@transaction.atomic
def update_survey(
    *,
    actor: User,
    survey: Survey,
    opens_on: datetime.date,
    closes_on: datetime.date,
    wording: dict[str, str],
) -> Survey:
    """Change the dates and the questions' wording, only before the survey opens."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_WORKFLOW.check(actor, survey, SurveyAction.EDIT)
    _check_dates(opens_on, closes_on)
    survey.opens_on = opens_on
    survey.closes_on = closes_on
    for name in WORDING_FIELDS:
        setattr(survey, name, wording[name])
    survey.save()
    return survey


@transaction.atomic
def start_survey(*, actor: User, survey: Survey) -> Survey:
    """Open the survey today instead of on its opening date: the lists are frozen."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_WORKFLOW.check(actor, survey, SurveyAction.START)
    today = timezone.localdate()
    survey.opens_on = today
    survey.closes_on = max(survey.closes_on, today)
    survey.save(update_fields=["opens_on", "closes_on"])
    return survey


@transaction.atomic
def close_survey(*, actor: User | None, survey: Survey) -> Survey:
    """Close the survey (an official, or the daily task after the closing date).

    Side effects, in order: the survey is marked closed (no link works any more); each
    TLO's result goes to metrics (record_survey_results), which queues the recompute of
    satisfaction_index on commit."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_WORKFLOW.check(actor, survey, SurveyAction.CLOSE)
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at"])
    record_survey_results(
        actor=actor,
        fiscal_year=survey.fiscal_year,
        results=[
            SurveyFigures(
                institution_id=result.institution.pk,
                invited=result.invited,
                answered=result.answered,
                desk_mean=result.means["desk"],
                contracting_mean=result.means["contracting"],
                ip_handling_mean=result.means["ip_handling"],
            )
            for result in tlo_results(survey)
            if result.invited
        ],
    )
    return survey


def close_due_surveys(*, today: datetime.date | None = None) -> list[int]:
    """Close every open survey whose closing date has passed (the daily task's work).
    Returns the fiscal years closed."""
    today = today or timezone.localdate()
    closed = []
    for survey in Survey.objects.filter(closed_at__isnull=True, closes_on__lt=today):
        close_survey(actor=None, survey=survey)
        closed.append(survey.fiscal_year)
    return closed
