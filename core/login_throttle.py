"""Login throttling with two limits: django-axes locks one user name from one address
after a few failures (AXES_FAILURE_LIMIT); this handler adds a higher limit on one
address whatever the user names (password spraying), LOGIN_FAILURES_PER_ADDRESS failures
within LOGIN_ADDRESS_WINDOW. django-axes compares every parameter it counts with one
limit, so the second limit is this small check over its failure log."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def failures_from_address(request: HttpRequest) -> int:
    """Failed logins from the request's address within the window, any user name."""
    since = timezone.now() - settings.LOGIN_ADDRESS_WINDOW
    return AccessFailureLog.objects.filter(
        ip_address=get_client_ip_address(request), attempt_time__gte=since
    ).count()


class AddressLimitedHandler(AxesDatabaseHandler):
    """django-axes' database handler, also locked when one address failed too often."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return failures_from_address(request) >= settings.LOGIN_FAILURES_PER_ADDRESS

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        """Log the failure as django-axes does; answer with the lockout page once the
        address reached its limit (django-axes only does so for its own limit)."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and (
            failures_from_address(request) >= settings.LOGIN_FAILURES_PER_ADDRESS
        ):
            request.axes_locked_out = True
