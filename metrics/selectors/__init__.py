"""The queries behind the metrics app's pages, one module per area.

- reports: annual reports, their history and the officials' queue.
- metric_values: definitions, values, rankings and aggregates.
- imports: a person's import jobs and their stored previews, as the pages show them.
- provenance: an institution's metrics with the report figures they came from.
"""
