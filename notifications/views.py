"""The outbox: every message the product wrote, and the staged ones to release."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .enums import NotificationAction
from .forms import OutboxActionForm, OutboxFilterForm
from .models import Notification
from .workflow import outbox_states

PAGE_SIZE = 50


def outbox(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read_outbox(request.user):
        raise PermissionDenied
    form = OutboxFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    found = selectors.outbox(state=filters.get("state", ""), kind=filters.get("kind", ""))
    # The list shows no message's body or attachments: they are read on its own page.
    page = Paginator(found.defer("body", "attachments"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page": page,
            "staged_count": Notification.objects.staged().count(),
            "can_release": permissions.can_release(request.user),
            "tickable_states": outbox_states(),
        },
    )


def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_read_outbox(request.user):
        raise PermissionDenied
    notification = get_object_or_404(selectors.outbox(), pk=pk)
    return render(request, "notifications/detail.html", {"notification": notification})


@require_POST
def outbox_action(request: HttpRequest) -> HttpResponse:
    if not permissions.can_release(request.user):
        raise PermissionDenied
    tickable = selectors.tickable().values_list("pk", flat=True)
    form = OutboxActionForm(request.POST, tickable_ids=list(tickable))
    if not form.is_valid():
        messages.error(request, _("Tick the messages to release or discard."))
        return redirect("notifications:outbox")
    chosen = Notification.objects.filter(pk__in=form.cleaned_data["ids"])
    if form.cleaned_data["action"] == NotificationAction.RELEASE:
        count = services.release_notifications(actor=request.user, notifications=chosen)
        messages.success(request, _("%(count)s messages released for sending.") % {"count": count})
    else:
        count = services.discard_notifications(actor=request.user, notifications=chosen)
        messages.success(request, _("%(count)s messages discarded.") % {"count": count})
    return redirect("notifications:outbox")
