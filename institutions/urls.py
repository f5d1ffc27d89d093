from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("", views.institution_list, name="list"),
    path("timeline/", views.registry_timeline, name="timeline"),
    path("upload/", views.registry_upload, name="upload"),
    path("upload/template/", views.registry_template, name="upload_template"),
    path("<slug:code>/", views.institution_detail, name="detail"),
]
