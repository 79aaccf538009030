"""Bulk import of sellers and listings from a CSV or XLSX file (docs/import-format.md).

One sheet, one row per listing, the seller's columns repeated on each of their rows:
operators keep one spreadsheet per village and paste it in, with no second sheet to keep in
step. A row whose listing columns are all empty registers (or completes) just the seller.

Three steps:
1. import_job_create (when the file is uploaded, in the request): file-level checks
   (type, size, encoding, row count, header columns). A file failing them is refused whole
   with ImportFileError and nothing is saved. Otherwise its rows are stored on an ImportJob
   and farmers_import_run is queued once the transaction commits.
2. import_job_run (in the Celery task or `manage.py import_listings`): each row is checked
   (row_parse) and written through farmers.services, in its own transaction, so a bad row
   saves nothing and never stops the good ones. Progress is saved every few rows.
3. The row's key (seller mobile + 商品编号, or + title when there is none) is remembered in
   ImportedListing with what was written, so the same file imported again changes nothing
   ("unchanged"), and an edited row updates its listing through listing_update (an approved
   listing whose text changed goes back to review).

New listings are drafts or submitted for review (the operator's choice), never approved.

One module per step: columns (the format: limits, messages, columns), parse (the file and
each row checked), apply (a row written), jobs (the services that create and run a job),
selectors (reads for the admin pages) and templates (the files to download). What callers use
is importable from here.
"""

from farmers.imports.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    HEADER_LOOKUP,
    LISTING_KEYS,
    MAX_EXTERNAL_REF_LENGTH,
    MAX_FILE_BYTES,
    MAX_PRICE_FEN,
    MAX_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    MSG_BATCH_DATE_REQUIRED,
    MSG_BATCH_WITHOUT_CODE,
    MSG_CATEGORY_AMBIGUOUS,
    MSG_CATEGORY_UNKNOWN,
    MSG_CERTIFICATE_WITHOUT_KIND,
    MSG_CHOICE,
    MSG_CONFLICT,
    MSG_DATE,
    MSG_DUPLICATE_ROW,
    MSG_FILE_EMPTY,
    MSG_FILE_ENCODING,
    MSG_FILE_HEADERS_DUPLICATE,
    MSG_FILE_HEADERS_MISSING,
    MSG_FILE_TOO_BIG,
    MSG_FILE_TOO_MANY_ROWS,
    MSG_FILE_TYPE,
    MSG_FILE_UNREADABLE,
    MSG_FILE_XLS,
    MSG_INTEGER,
    MSG_LISTING_STATE,
    MSG_MIN_ORDER,
    MSG_MOBILE,
    MSG_NEW_SELLER_NAME,
    MSG_PRICE_DECIMALS,
    MSG_PRICE_NOT_NUMBER,
    MSG_PRICE_TOO_HIGH,
    MSG_REQUIRED,
    MSG_TITLE_AMBIGUOUS,
    MSG_TOO_LONG,
    PROGRESS_EVERY,
    REQUIRED_COLUMNS,
    Column,
)
from farmers.imports.jobs import (
    import_job_create,
    import_job_run,
)
from farmers.imports.parse import (
    ImportFileError,
    ImportTable,
    Lookups,
    ParsedRow,
    import_file_read,
    price_fen_parse,
    row_parse,
)
from farmers.imports.selectors import (
    import_job_failed_rows,
    import_job_list,
)
from farmers.imports.templates import (
    template_csv,
    template_xlsx,
)

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "HEADER_LOOKUP",
    "LISTING_KEYS",
    "MAX_EXTERNAL_REF_LENGTH",
    "MAX_FILE_BYTES",
    "MAX_PRICE_FEN",
    "MAX_ROWS",
    "MAX_XLSX_UNPACKED_BYTES",
    "MSG_BATCH_DATE_REQUIRED",
    "MSG_BATCH_WITHOUT_CODE",
    "MSG_CATEGORY_AMBIGUOUS",
    "MSG_CATEGORY_UNKNOWN",
    "MSG_CERTIFICATE_WITHOUT_KIND",
    "MSG_CHOICE",
    "MSG_CONFLICT",
    "MSG_DATE",
    "MSG_DUPLICATE_ROW",
    "MSG_FILE_EMPTY",
    "MSG_FILE_ENCODING",
    "MSG_FILE_HEADERS_DUPLICATE",
    "MSG_FILE_HEADERS_MISSING",
    "MSG_FILE_TOO_BIG",
    "MSG_FILE_TOO_MANY_ROWS",
    "MSG_FILE_TYPE",
    "MSG_FILE_UNREADABLE",
    "MSG_FILE_XLS",
    "MSG_INTEGER",
    "MSG_LISTING_STATE",
    "MSG_MIN_ORDER",
    "MSG_MOBILE",
    "MSG_NEW_SELLER_NAME",
    "MSG_PRICE_DECIMALS",
    "MSG_PRICE_NOT_NUMBER",
    "MSG_PRICE_TOO_HIGH",
    "MSG_REQUIRED",
    "MSG_TITLE_AMBIGUOUS",
    "MSG_TOO_LONG",
    "PROGRESS_EVERY",
    "REQUIRED_COLUMNS",
    "Column",
    "import_job_create",
    "import_job_run",
    "ImportFileError",
    "ImportTable",
    "Lookups",
    "ParsedRow",
    "import_file_read",
    "price_fen_parse",
    "row_parse",
    "import_job_failed_rows",
    "import_job_list",
    "template_csv",
    "template_xlsx",
]
