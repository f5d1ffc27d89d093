"""Every write of the metrics app, one module per kind of thing.

- reports: annual reports and their workflow (draft → submitted → accepted).
- imports: spreadsheet import (preview, confirm) and exports.
- metric_values: metric definitions, recompute of stored values.
"""
