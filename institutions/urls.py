from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("", views.institution_list, name="list"),
    path("timeline/", views.registry_timeline, name="timeline"),
    path("upload/", views.registry_upload, name="upload"),
    path("upload/template/", views.registry_template, name="upload_template"),
    path("upload/<int:pk>/", views.registry_upload_detail, name="upload_detail"),
    path("upload/<int:pk>/progress/", views.registry_upload_progress, name="upload_progress"),
    path("<slug:code>/", views.institution_detail, name="detail"),
]
