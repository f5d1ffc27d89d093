from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions")

    def ready(self) -> None:
        # Register the app's Celery tasks in every process (core.tasks.enqueue finds them
        # by name), without services importing the tasks module.
        from . import tasks  # noqa: F401
