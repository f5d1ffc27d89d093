from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse

from institutions import views as institution_views


def _admin_login(request, extra_context=None):
    """The admin signs in through the product's own (throttled) login page."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, reverse("login"))


admin.site.login = _admin_login
admin.site.site_header = "TLO Review"

urlpatterns = [
    path("health/", login_not_required(institution_views.health), name="health"),
]

# Japanese at the bare paths (/institutions/), English under /en/ (/en/institutions/).
urlpatterns += i18n_patterns(
    path("", institution_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("institutions/", include("institutions.urls")),
    path("metrics/", include("metrics.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
