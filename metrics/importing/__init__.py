"""Reading annual-report spreadsheets (CSV and XLSX) as real Japanese offices write them.

The pipeline, one module per step:

- limits: how big a file may be, and when it goes to the background;
- tables: either format → a table of raw cells with spreadsheet row numbers (this
  process only weighs the file and tells its format);
- sandbox: the parsing below, run in a child process with its own memory and time
  limits, so that no file can take the server down;
- reading: bytes → rows within the limits, for CSV and XLSX alike;
- decoding: bytes → text for CSV (core.text: UTF-8 with or without BOM, then CP932,
  both strict), an undecodable byte as a file problem;
- xlsx: zip-bomb and XML-entity checks, finding the sheet calamine will read, then
  reading it with python-calamine;
- sheet_area: every cell of that sheet inside the area an import may use, checked
  before calamine builds the sheet;
- headers: header cells → report fields (Japanese labels or codes, units such as 千円);
- values: one cell → a figure in yen, a count, a score or FTE;
- preview: every row checked against the registry, the person's rights and the
  database, as new / changed / unchanged / error, with warnings;
- problems: what went wrong, stored as data; wording: the sentences, in the reader's
  language.

Nothing here writes to the database (metrics.services.imports does), and nothing here
serves a page (the forms and selectors of the import pages are with the app's others).
"""
