from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse

from core import views as core_views
from institutions import views as institution_views


def _admin_login(request, extra_context=None):
    """The admin signs in through the product's own (throttled) login page."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, reverse("login"))


admin.site.login = _admin_login
admin.site.site_header = "TLO Review"

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
]

# Japanese at the bare paths (/institutions/), English under /en/ (/en/institutions/).
urlpatterns += i18n_patterns(
    path("", institution_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/amount-unit/", institution_views.amount_unit_switch, name="amount_unit"),
    path("institutions/", include("institutions.urls")),
    path("metrics/", include("metrics.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("notifications/", include("notifications.urls")),
    path("reviews/", include("reviews.urls")),
    path("surveys/", include("surveys.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

# The product's own error pages (with its navigation), also while debugging is off.
handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
