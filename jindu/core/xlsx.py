"""Reading an uploaded Excel workbook under budgets (issue 16, item 8), for every importer.

openpyxl loads a workbook's shared strings whole before the first row, and a file of a
million blank rows is small once zipped, so the budgets are checked before and while
reading: the unpacked size of the package and of its shared strings (from the zip's
directory, before openpyxl opens it), every row read including blank ones, and the time
spent. An importer streams ``rows(source)`` and turns ``SheetProblem`` into its own report.

Above ``BACKGROUND_BYTES`` (or when the user asks) a page hands the upload to a background
job (``core.jobs``) instead of reading it in the web worker.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 50 * 1024 * 1024
MAX_ROWS_READ = 200_000
MAX_SECONDS = 600
# Uploads larger than this are imported by a background job with a progress bar (about
# 2,000 rows of a roster); smaller ones while the user waits.
BACKGROUND_BYTES = 200_000


class SheetProblem(Exception):
    """The file as a whole cannot be imported; ``row`` is 0 for the file, else the row."""

    def __init__(self, row: int, message):
        super().__init__(str(message))
        self.row = row
        self.message = message


def unreadable() -> str:
    return _("The file cannot be read as an Excel (.xlsx) workbook.")


def check_package(source) -> None:
    """Refuse a workbook whose unpacked parts exceed the budgets, before openpyxl reads it."""

    if hasattr(source, "seek"):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetProblem(0, unreadable()) from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    unpacked = sum(i.file_size for i in infos)
    shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if unpacked > MAX_UNPACKED_BYTES or shared > MAX_SHARED_STRINGS_BYTES:
        raise SheetProblem(
            0, _("The file is too large once unpacked; split it into several files.")
        )


def rows(
    source,
    progress=None,
    *,
    max_rows_read: int | None = None,
    max_seconds: float | None = None,
) -> Iterator[tuple[int, tuple]]:
    """Every row of the first sheet as (row number, values), the header (row 1) included,
    blank rows as ``()``. Raises ``SheetProblem`` when a budget is exceeded.

    ``progress(0, total)`` is called once with the size the file records (for a progress
    bar only: every row is read whatever it says)."""

    check_package(source)
    max_rows_read = MAX_ROWS_READ if max_rows_read is None else max_rows_read
    max_seconds = MAX_SECONDS if max_seconds is None else max_seconds
    started = time.monotonic()
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        raise SheetProblem(0, unreadable()) from None
    try:
        if not workbook.worksheets:
            raise SheetProblem(0, unreadable())
        sheet = workbook.worksheets[0]
        if progress is not None and sheet.max_row:
            progress(0, max(sheet.max_row - 1, 0))
        sheet.reset_dimensions()  # some writers record a wrong size; read every row
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > max_rows_read:
                raise SheetProblem(
                    number,
                    _("The file has too many rows (blank ones included); split it into several."),
                )
            if number % 1000 == 0 and time.monotonic() - started > max_seconds:
                raise SheetProblem(
                    number, _("Reading the file takes too long; split it into several files.")
                )
            yield number, values or ()
    finally:
        workbook.close()


def is_large(upload) -> bool:
    """Whether a page should hand this upload to a background job."""

    return (getattr(upload, "size", 0) or 0) > BACKGROUND_BYTES
