from django.urls import path

from . import views

app_name = "surveys"

Y = "<int:year>/"
C = Y + "contacts/<slug:code>/"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path(Y, views.survey_detail, name="detail"),
    path(Y + "edit/", views.survey_edit, name="edit"),
    path(Y + "do/<slug:action>/", views.survey_action, name="action"),
    path(Y + "results.csv", views.results_csv, name="results_csv"),
    path(C, views.contact_list, name="contacts"),
    path(C + "upload/", views.contact_upload, name="contacts_upload"),
    path(C + "upload/<int:pk>/", views.contact_upload_detail, name="contacts_upload_detail"),
    path(
        C + "upload/<int:pk>/progress/",
        views.contact_upload_progress,
        name="contacts_upload_progress",
    ),
    path(C + "template/", views.contact_template, name="contacts_template"),
    path(C + "<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path(Y + "letters/<slug:code>/", views.letters, name="letters"),
]
