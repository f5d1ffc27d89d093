"""Reading annual-report spreadsheets (CSV and XLSX) as real Japanese offices write them.

The pipeline, one module per step:

- limits: how big a file may be, and when it goes to the background;
- decoding: bytes → text for CSV (core.text, as a file problem);
- xlsx: zip-bomb and XML-entity checks, then reading the first sheet with python-calamine;
- tables: either format → a table of raw cells with spreadsheet row numbers;
- headers: header cells → report fields (Japanese labels or codes, units such as 千円);
- values: one cell → a figure in yen, a count, a score or FTE;
- preview: every row checked against the registry, the person's rights and the
  database, as new / changed / unchanged / error, with warnings;
- problems: what went wrong, stored as data and worded in the reader's language.

Nothing here writes to the database (metrics.services.imports does), and nothing here
serves a page (the forms and selectors of the import pages are with the app's others).
"""
