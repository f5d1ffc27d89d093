"""Reading annual-report spreadsheets (CSV and XLSX) as real Japanese offices write them.

The file itself is read by core.tables (size, zip and entity checks, parsing in a
sandboxed child process, strict decoding); this package interprets what it read, one
module per step:

- headers: header cells → report fields (Japanese labels or codes, units such as 千円);
- values: one cell → a figure in yen, a count, a score or FTE;
- licences: the licence detail sheet (ライセンス明細) → licence rows;
- preview: every row checked against the registry, the person's rights and the
  database, as new / changed / unchanged / error, with warnings;
- problems: the kinds of header, cell and row problem, stored as data; wording: the
  sentences, in the reader's language (file-level ones from core.tables.wording).

Nothing here writes to the database (metrics.services.imports does), and nothing here
serves a page (the forms and selectors of the import pages are with the app's others).
"""
