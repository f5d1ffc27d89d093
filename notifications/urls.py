from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("act/", views.outbox_action, name="act"),
    path("<int:pk>/", views.notification_detail, name="detail"),
]
