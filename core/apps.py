from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared helpers")

    def ready(self) -> None:
        # Register the outbox sweep in every process, like the other apps' tasks.
        from . import tasks  # noqa: F401
