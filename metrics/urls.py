"""URLs of the metrics app. Each area keeps its own list in metrics/views/<area>.py."""

from metrics.views import imports, metric_pages, reports

app_name = "metrics"

urlpatterns = [*reports.urlpatterns, *imports.urlpatterns, *metric_pages.urlpatterns]
