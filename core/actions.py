"""One way for a view to take a posted action (a button with a version, and perhaps a
reason): parse the form, answer a missing version with a 400, call the service, and go
back with its message. Reports, collection rounds, decisions and scores differ only in
the service they call, the words and where they go back to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .versions import missing_version
from .workflow import WorkflowError


def form_problem(form: forms.Form) -> str:
    """The first error of a form, named by its field, for a message after a redirect."""
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            return str(errors[0])
        return f"{form.fields[name].label}: {errors[0]}"
    return ""


def take_action(
    request: HttpRequest,
    form: forms.Form,
    *,
    call: Callable[[Mapping[str, Any]], object],
    success: str,
    back: str,
    done: str | None = None,
    invalid: Callable[[forms.Form], HttpResponse] | None = None,
) -> HttpResponse:
    """Take the action a bound `form` posts: `call(cleaned_data)` calls the service.

    A form with a `version` field that came without a whole number is a 400 (nothing
    changes). Any other problem of the form goes back to `back` with its message, or is
    answered by `invalid(form)` (a page that shows the form again). A refusal of the
    service (WorkflowError, a stale version among them) goes back to `back` with its
    message; PermissionDenied is not caught (a 403). Success goes to `done` (default
    `back`) with the message `success`.
    """
    if form.has_error("version"):
        return missing_version(request)
    if not form.is_valid():
        if invalid is not None:
            return invalid(form)
        messages.error(request, form_problem(form))
        return redirect(back)
    try:
        call(form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, success)
    return redirect(done or back)
