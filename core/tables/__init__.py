"""Reading an uploaded table (CSV or XLSX) that a stranger may have built to do harm.

Every upload of the product goes through here — the annual-report import, its licence
sheet and the registry upload — so that one set of checks and one wording protect them
all. One module per step:

- limits: how big a file may be, and when its work goes to the background;
- files: either format → a table of raw cells with spreadsheet row numbers (this
  process only weighs the file and tells its format);
- sandbox: the parsing below, run in a child process (sandbox_child) with its own
  memory and time limits, so that no file can take the server down;
- reading: bytes → rows within the limits, for CSV and XLSX alike;
- decoding: bytes → text for CSV (core.text: UTF-8 with or without BOM, then CP932,
  both strict), an undecodable byte as a file problem;
- xlsx: zip-bomb and XML-entity checks, finding the sheet calamine will read, then
  reading it with python-calamine;
- sheet_area: every cell of that sheet inside the area an upload may use, checked
  before calamine builds the sheet;
- problems: what went wrong with the file, stored as data; wording: the sentences, in
  the reader's language;
- uploads: the rows as text with one readable error, for uploads that want no more.

What the cells mean is for the app that reads them (metrics.importing for reports).
"""
