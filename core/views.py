"""Pages that belong to no app: health, favicon, and the error pages."""

from __future__ import annotations

import logging

from celery import current_app
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from .outbox import backlog

logger = logging.getLogger(__name__)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        logger.warning("health: database unreachable: %s", error)
        return "unreachable"
    return "ok"


def _broker_status() -> str:
    """ok, eager (tasks run in the web process, on purpose), or unreachable."""
    if current_app.conf.task_always_eager:
        return "eager"
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        logger.warning("health: broker unreachable: %s", error)
        return "unreachable"
    return "ok"


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose: the database and the broker, each on its own,
    and how many tasks wait to be sent to the broker and the age of the oldest in
    seconds (core.outbox; a growing age means the sweep cannot reach the broker).

    200 when both work (or tasks run in-process on purpose), 503 otherwise.
    """
    database, broker = _database_status(), _broker_status()
    healthy = database == "ok" and broker in ("ok", "eager")
    answer = {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker}
    if database == "ok":
        waiting = backlog()
        answer["tasks_waiting"] = waiting.waiting
        answer["oldest_waiting_seconds"] = waiting.oldest_seconds
    return JsonResponse(answer, status=200 if healthy else 503)


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the icon."""
    return redirect(static("favicon.svg"), permanent=True)


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (アクセシビリティ方針): public, as public bodies publish it."""
    return render(request, "accessibility.html")


def _error_page(template: str, status: int):
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return render(request, template, status=status)

    return login_not_required(view)


def refuse_bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 page that says what was wrong with the request (a form field missing or
    forged), in the person's language."""
    return render(request, "400.html", {"message": message}, status=400)


# The product's own pages, with its navigation, in the person's language.
bad_request = _error_page("400.html", 400)
permission_denied = _error_page("403.html", 403)
page_not_found = _error_page("404.html", 404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page. Rendered with the request so that the header and language work,
    but falls back to plain text if even that fails (the database may be what broke)."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("the 500 page itself failed")
        return HttpResponse(
            "500 Internal Server Error", status=500, content_type="text/plain; charset=utf-8"
        )
