"""The survey's pages: officials run it, TLO staff keep their customer list, customers
answer through their link (the one page besides signing in that needs no account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.downloads import download_response
from core.enums import RUNNING_JOB_STATES
from core.workflow import WorkflowError
from institutions.models import Institution

from . import permissions, selectors, throttle
from .contacts_file import COLUMNS as CONTACT_COLUMNS
from .contacts_file import ContactListError
from .enums import SurveyAction
from .forms import AnswerForm, ContactForm, ContactUploadForm, SurveyForm
from .letters import letters_pdf
from .models import Contact, Survey
from .pages import results_csv_rows, survey_page_context
from .services import answers, contacts, invitations, rounds
from .workflow import SURVEY_WORKFLOW


def _survey(year: int) -> Survey:
    return get_object_or_404(Survey, fiscal_year=year)


def _tlo_for_contacts(request: HttpRequest, code: str) -> Institution:
    institution = get_object_or_404(Institution, code=code)
    if not permissions.can_read_contacts(request.user, institution):
        if request.user.is_tlo_staff:
            raise Http404
        raise PermissionDenied
    return institution


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    context = {
        "surveys": Survey.objects.all(),
        "can_manage": permissions.can_manage_surveys(request.user),
    }
    return render(request, "surveys/survey_list.html", context)


def survey_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_surveys(request.user):
        raise PermissionDenied
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = rounds.create_survey(
                actor=request.user,
                fiscal_year=form.cleaned_data["fiscal_year"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                wording=form.wording(),
            )
        except rounds.SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey has been opened for preparation."))
            return redirect("surveys:detail", survey.fiscal_year)
    return render(request, "surveys/survey_form.html", {"form": form})


def survey_edit(request: HttpRequest, year: int) -> HttpResponse:
    survey = _survey(year)
    if not permissions.can_manage_surveys(request.user):
        raise PermissionDenied
    if not SURVEY_WORKFLOW.may(request.user, survey, SurveyAction.EDIT):
        messages.error(request, _("The wording can be changed only before the survey opens."))
        return redirect("surveys:detail", year)
    form = SurveyForm(request.POST or None, instance=survey, editing=True)
    if request.method == "POST" and form.is_valid():
        rounds.update_survey(
            actor=request.user,
            survey=survey,
            opens_on=form.cleaned_data["opens_on"],
            closes_on=form.cleaned_data["closes_on"],
            wording=form.wording(),
        )
        messages.success(request, _("The survey has been saved."))
        return redirect("surveys:detail", year)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey})


@require_GET
def survey_detail(request: HttpRequest, year: int) -> HttpResponse:
    survey = _survey(year)
    context = survey_page_context(survey, request.user)
    return render(request, "surveys/survey_detail.html", context)


_ACTIONS = {
    SurveyAction.START: (rounds.start_survey, _("The survey is open: the lists are frozen.")),
    SurveyAction.INVITE: (invitations.stage_invitations, None),
    SurveyAction.CLOSE: (
        rounds.close_survey,
        _("The survey is closed; the index is being recomputed."),
    ),
}


@require_POST
def survey_action(request: HttpRequest, year: int, action: str) -> HttpResponse:
    survey = _survey(year)
    if not permissions.can_manage_surveys(request.user):
        raise PermissionDenied
    if action not in _ACTIONS:
        raise Http404
    service, done = _ACTIONS[action]
    try:
        result = service(actor=request.user, survey=survey)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        if action == SurveyAction.INVITE:
            done = _("%(count)s invitations are waiting in the outbox for release.") % {
                "count": result
            }
        messages.success(request, str(done))
    return redirect("surveys:detail", year)


def contact_list(request: HttpRequest, year: int, code: str) -> HttpResponse:
    survey = _survey(year)
    institution = _tlo_for_contacts(request, code)
    editable = permissions.can_edit_contacts(request.user, survey, institution)
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                contacts.save_contact(
                    actor=request.user, survey=survey, institution=institution, **form.cleaned_data
                )
            except contacts.ContactError as error:
                for field, problem in error.problems.items():
                    form.add_error(field, problem)
            else:
                messages.success(request, _("The customer has been added."))
                return redirect("surveys:contacts", year, code)
    context = {
        "survey": survey,
        "institution": institution,
        "contacts": selectors.contacts_of(survey, institution),
        "form": form,
        "upload_form": ContactUploadForm(),
        "editable": editable,
        "columns": CONTACT_COLUMNS,
    }
    return render(request, "surveys/contact_list.html", context)


def contact_upload(request: HttpRequest, year: int, code: str) -> HttpResponse:
    survey = _survey(year)
    institution = _tlo_for_contacts(request, code)
    if not permissions.can_edit_contacts(request.user, survey, institution):
        raise PermissionDenied
    form = ContactUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = contacts.start_contact_upload(
                actor=request.user,
                survey=survey,
                institution=institution,
                file_name=upload.name or "",
                data=upload.read(),
                language=get_language(),
            )
        except ContactListError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        else:
            return redirect("surveys:contacts_upload_detail", year, code, job.pk)
    context = {
        "survey": survey,
        "institution": institution,
        "form": form,
        "columns": CONTACT_COLUMNS,
    }
    return render(request, "surveys/contact_upload.html", context)


@require_GET
def contact_upload_detail(request: HttpRequest, year: int, code: str, pk: int) -> HttpResponse:
    """An uploaded list being checked (the page polls its progress), or its outcome."""
    survey = _survey(year)
    institution = _tlo_for_contacts(request, code)
    job = selectors.contact_upload_of(
        user=request.user, survey=survey, institution=institution, pk=pk
    )
    context = {
        "survey": survey,
        "institution": institution,
        "job": job,
        "running": job.state in RUNNING_JOB_STATES,
    }
    return render(request, "surveys/contact_upload_detail.html", context)


@never_cache
@require_GET
def contact_upload_progress(request: HttpRequest, year: int, code: str, pk: int) -> JsonResponse:
    survey = _survey(year)
    institution = _tlo_for_contacts(request, code)
    job = selectors.contact_upload_of(
        user=request.user, survey=survey, institution=institution, pk=pk
    )
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "percent": job.progress_percent,
            "running": job.state in RUNNING_JOB_STATES,
            "url": reverse("surveys:contacts_upload_detail", args=[year, code, job.pk]),
        }
    )


@require_POST
def contact_delete(request: HttpRequest, year: int, code: str, pk: int) -> HttpResponse:
    survey = _survey(year)
    institution = _tlo_for_contacts(request, code)
    contact = get_object_or_404(Contact, pk=pk, survey=survey, institution=institution)
    if not permissions.can_edit_contacts(request.user, survey, institution):
        raise PermissionDenied
    contacts.delete_contact(actor=request.user, contact=contact)
    messages.success(request, _("The customer has been removed from the list."))
    return redirect("surveys:contacts", year, code)


@require_GET
def contact_template(request: HttpRequest, year: int, code: str) -> HttpResponse:
    _tlo_for_contacts(request, code)
    example = ["株式会社例示", "山田 太郎", "taro@example.co.jp", "licensee"]
    return download_response(
        list(CONTACT_COLUMNS), [example], file_format=request.GET.get("format"), name="customers"
    )


@require_POST
def letters(request: HttpRequest, year: int, code: str) -> HttpResponse:
    survey = _survey(year)
    institution = get_object_or_404(Institution, code=code)
    if not permissions.can_manage_surveys(request.user):
        raise PermissionDenied
    try:
        issued = invitations.issue_links(actor=request.user, survey=survey, institution=institution)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("surveys:detail", year)
    response = HttpResponse(
        letters_pdf(survey, institution, issued), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="survey-letters-{year}-{code}.pdf"'
    return response


@require_GET
def results_csv(request: HttpRequest, year: int) -> HttpResponse:
    survey = _survey(year)
    if not permissions.can_manage_surveys(request.user):
        raise PermissionDenied
    headers, rows = results_csv_rows(survey)
    return download_response(headers, rows, file_format="csv", name=f"survey-results-{year}")


# The token is in the address: no other site may see it as a referrer. "same-origin", not
# "no-referrer": under no-referrer browsers send `Origin: null` with the form's POST, and
# Django's CSRF check refuses the answer.
ANSWER_REFERRER_POLICY = "same-origin"


def _plain(request: HttpRequest, template: str, status: int = 200) -> HttpResponse:
    response = render(request, template, status=status)
    # No cache keeps the page (its address holds the token).
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = ANSWER_REFERRER_POLICY
    return response


@login_not_required
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page: who the survey is about, how answers are used, the form."""
    if not throttle.allow_address(request.META.get("REMOTE_ADDR", "")):
        return _plain(request, "surveys/answer_slow_down.html", status=429)
    if request.method == "POST" and not throttle.allow_token(token[:100]):
        return _plain(request, "surveys/answer_slow_down.html", status=429)
    try:
        contact = answers.find_invitation(token)
    except answers.AlreadyAnswered:
        return _plain(request, "surveys/answer_received.html")
    except answers.InvitationUnusable:
        return _plain(request, "surveys/answer_unusable.html", status=404)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    form = AnswerForm(request.POST or None, survey=contact.survey, language=get_language())
    if request.method == "POST" and form.is_valid():
        try:
            answers.submit_answer(token=token, **form.cleaned_data)
        except answers.AlreadyAnswered:
            return _plain(request, "surveys/answer_received.html")
        except answers.InvitationUnusable:
            return _plain(request, "surveys/answer_unusable.html", status=404)
        return redirect(request.path)
    context = {"form": form, "institution": contact.institution, "survey": contact.survey}
    response = render(request, "surveys/answer.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = ANSWER_REFERRER_POLICY
    return response
