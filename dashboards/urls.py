"""URLs of the dashboards: /dashboards/ and /dashboards/institutions/<code>/."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.national, name="national"),
    path("institutions/<slug:code>/", views.benchmark, name="benchmark"),
    path("support-effects/", views.support_effects, name="support_effects"),
]
