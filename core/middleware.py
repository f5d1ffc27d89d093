"""Response headers that every page carries, and the check of every query parameter."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .text import safe_excerpt
from .views import refuse_bad_request

# No inline script and no script from elsewhere: plotly.js and every script of ours are
# files under /static/. Inline styles stay allowed: plotly.js writes them as it draws.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and `Cache-Control: private,
    no-store` on every response to a signed-in person, so that no shared cache or
    browser history keeps another institution's figures."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy", getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, ["Cookie"])
        return response


class QueryParameterCheckMiddleware:
    """Refuse, with a 400 page that says why, a request whose path or query parameters
    hold a NUL character: PostgreSQL cannot store or compare one, so it would reach the
    database as an error of the system (a 500) from whichever filter reads it first.
    Every parameter is checked here once, like form input, before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return refuse_bad_request(
                    request,
                    _("The address contains a NUL character in the parameter “%(name)s”.")
                    % {"name": safe_excerpt(name, limit=40)},
                )
        if "\x00" in request.path:
            return refuse_bad_request(request, _("The address contains a NUL character."))
        return self.get_response(request)
