"""URLs of the metrics app. Each area keeps its own list in metrics/views/<area>.py."""

from metrics.views import collection, imports, metric_pages, reports

app_name = "metrics"

# The metric pages come last: their `<code>/` would otherwise take "status/" and "rounds/".
urlpatterns = [
    *reports.urlpatterns,
    *imports.urlpatterns,
    *collection.urlpatterns,
    *metric_pages.urlpatterns,
]
