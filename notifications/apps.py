from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Register the app's Celery tasks in every process (core.tasks.enqueue finds them
        # by name), without services importing the tasks module.
        from . import tasks  # noqa: F401
