from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """The licensee survey (顧客満足度調査): above metrics, which it hands results to."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = _("Customer survey")

    def ready(self) -> None:
        # Register the app's Celery tasks in every process (core.tasks.enqueue finds them
        # by name), without services importing the tasks module.
        from . import tasks  # noqa: F401
