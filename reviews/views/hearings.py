"""Hearings: scheduling, a day's hearings, iCalendar downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.versions import missing_version
from core.workflow import WorkflowError

from .. import permissions
from ..forms import HearingForm
from ..ics import calendar_for
from ..selectors import pages
from ..services import hearings as services
from .common import load_cycle, load_entry


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
    form = HearingForm(
        request.POST or None,
        initial=pages.hearing_initial(hearing),
        attendee_choices=pages.hearing_attendee_choices(entry),
    )
    if request.method == "POST":
        if form.has_error("version"):
            return missing_version(request)
        if form.is_valid():
            try:
                services.schedule_hearing(
                    actor=request.user,
                    entry=entry,
                    date=form.cleaned_data["date"],
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    place=form.cleaned_data["place"],
                    online_url=form.cleaned_data["online_url"],
                    attendees=form.cleaned_data["attendees"],
                    minutes=form.cleaned_data["minutes"],
                    expected_version=form.cleaned_data["version"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
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
    return _ics_response(
        calendar_for(
            [hearing], with_attendees=permissions.can_see_attendee_addresses(request.user)
        ),
        f"hearing-{fiscal_year}-{entry.institution.code}",
    )


def hearing_days(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_view_hearing_day(request.user, cycle):
        raise PermissionDenied
    schedule = pages.hearing_schedule(cycle, user=request.user, day=request.GET.get("date", ""))
    return render(request, "reviews/hearing_days.html", {"cycle": cycle, "schedule": schedule})


def my_hearings_ics(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_view_hearing_day(request.user, cycle):
        raise PermissionDenied
    hearings = pages.hearings_for(cycle, user=request.user)
    return _ics_response(calendar_for(hearings, with_attendees=True), f"hearings-{fiscal_year}")
