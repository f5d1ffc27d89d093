"""Loading a cycle or an institution of a cycle for a person (404 / 403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from core.workflow import WorkflowError

from .. import permissions
from ..models import CycleEntry, ReviewCycle
from ..selectors import pages


def load_cycle(request: HttpRequest, fiscal_year: int) -> ReviewCycle:
    if not permissions.can_list_cycles(request.user):
        raise PermissionDenied
    try:
        cycle = pages.cycle_by_year(fiscal_year)
    except ReviewCycle.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_cycle(request.user, cycle):
        raise Http404
    return cycle


def load_entry(request: HttpRequest, fiscal_year: int, code: str, check=None) -> CycleEntry:
    """The institution in the cycle if this person may see its page. TLO staff of another
    institution get a 404; other roles that may not see it a 403. `check(user, entry)`
    adds the page's own rule (403 when it fails)."""
    cycle = load_cycle(request, fiscal_year)
    try:
        entry = pages.entry_of(cycle, code)
    except CycleEntry.DoesNotExist:
        raise Http404 from None
    user = request.user
    if not permissions.can_view_entry(user, entry):
        if user.is_tlo_staff:
            raise Http404
        raise PermissionDenied
    if check is not None and not check(user, entry):
        raise PermissionDenied
    return entry


def refuse(request: HttpRequest, error: WorkflowError | str, to: str) -> HttpResponseRedirect:
    """Back to `to` with the refusal's message (a workflow error or a form's problem)."""
    messages.error(request, str(error))
    return redirect(to)
