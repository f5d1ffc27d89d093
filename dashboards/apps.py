from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """What officials and TLOs look at: the national dashboard, the peer benchmark, the
    charts and the reference data. The top of the house: it reads metrics and reviews."""

    name = "dashboards"
    verbose_name = _("Dashboards")
