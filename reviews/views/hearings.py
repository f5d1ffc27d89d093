"""Hearings: scheduling, a day's hearings, iCalendar downloads."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.workflow import WorkflowError
from institutions.models import User

from .. import permissions
from ..forms import HearingForm
from ..ics import calendar_for
from ..models import Assignment
from ..selectors import pages
from ..services import hearings as services
from .common import load_cycle, load_entry, refuse


def _ics_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def hearing_edit(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(
        request, fiscal_year, code, check=lambda u, e: permissions.can_schedule_hearing(u, e.cycle)
    )
    hearing = pages.hearing_of(entry)
    reviewers = Assignment.objects.filter(entry=entry).unconflicted().values("reviewer")
    choices = User.objects.filter(pk__in=reviewers) | User.objects.officials().filter(
        is_active=True
    )
    initial = {}
    if hearing:
        initial = {
            "date": hearing.date,
            "starts_at": hearing.starts_at,
            "ends_at": hearing.ends_at,
            "place": hearing.place,
            "online_url": hearing.online_url,
            "minutes": hearing.minutes,
            "attendees": list(hearing.attendees.all()),
        }
    form = HearingForm(
        request.POST or None,
        initial=initial,
        attendee_choices=choices.distinct().order_by("role", "username"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_hearing(actor=request.user, entry=entry, **form.cleaned_data)
        except WorkflowError as error:
            return refuse(request, error, reverse("reviews:hearing", args=[fiscal_year, code]))
        messages.success(request, _("The hearing has been saved."))
        return redirect("reviews:entry", fiscal_year, code)
    return render(
        request,
        "reviews/hearing_form.html",
        {"entry": entry, "cycle": entry.cycle, "form": form, "hearing": hearing},
    )


def hearing_ics(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_view_hearing)
    hearing = pages.hearing_of(entry)
    if hearing is None:
        raise Http404
    return _ics_response(calendar_for([hearing]), f"hearing-{fiscal_year}-{entry.institution.code}")


def hearing_days(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_view_hearing_day(request.user, cycle):
        raise PermissionDenied
    hearings = pages.hearings_for(cycle, user=request.user)
    days = sorted({h.date for h in hearings})
    chosen = None
    raw = request.GET.get("date", "")
    if raw:
        try:
            chosen = datetime.date.fromisoformat(raw[:10])
        except ValueError:
            chosen = None
    shown = [h for h in hearings if chosen is None or h.date == chosen]
    return render(
        request,
        "reviews/hearing_days.html",
        {"cycle": cycle, "days": days, "chosen": chosen, "hearings": shown},
    )


def my_hearings_ics(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_view_hearing_day(request.user, cycle):
        raise PermissionDenied
    hearings = pages.hearings_for(cycle, user=request.user)
    return _ics_response(calendar_for(hearings), f"hearings-{fiscal_year}")
