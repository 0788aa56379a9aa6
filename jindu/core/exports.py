"""Excel exports of lists: one helper so every export streams, names its file the same way,
reads like a document that can be handed on, and is audited.

A sheet starts with a title row (what, and for which unit), a line saying the period, who
exported it and when, then the header row — frozen, so it stays visible while scrolling.
Columns are as wide as their content (measured on the first rows; Chinese characters count
double), dates are real Excel dates. Rows are written with openpyxl's write-only mode into a
temporary file, so a long list does not hold a whole worksheet in memory. Callers pass rows
that are already scoped and masked: this module never decides what a user may see.
"""

import datetime
import itertools
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.views import Pane

from jindu.audit import services as audit
from jindu.audit.models import AuditAction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Filters whose values are personal numbers: the audit trail records that they were used,
# never the value (the trail is append-only; a number written there stays forever).
SECRET_PARAMS = ("id_number", "phone")
# Rows measured for the column widths (the rest are written as they come).
MEASURE_ROWS = 200
MAX_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="E8EBEF")


def text_width(value) -> int:
    """Display width of a value in Excel's character units (CJK characters are double)."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    text = str(value)
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.splitlines() or [""]
        ),
        default=0,
    )


def write_xlsx(
    target,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "",
    heading: str = "",
    meta: str = "",
) -> int:
    """Write one sheet to ``target`` (a path or binary file); returns the number of rows.

    ``heading`` (the title row) and ``meta`` (period, who, when) come above the header row;
    the header row is frozen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    rows = iter(rows)
    first = [list(r) for r in itertools.islice(rows, MEASURE_ROWS)]
    widths = [text_width(h) for h in headers]
    for row in first:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], text_width(value))
    for i, width in enumerate(widths):
        letter = _column_letter(i)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(8, width + 2))
    above = int(bool(heading)) + int(bool(meta))
    # Write-only sheets ignore ``freeze_panes``, and write the sheet view with the first row:
    # the pane is set on the view before anything is appended.
    sheet.sheet_view.pane = Pane(
        xSplit=0,
        ySplit=above + 1,
        topLeftCell=f"A{above + 2}",
        activePane="bottomLeft",
        state="frozen",
    )
    if heading:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True, size=14)
        sheet.append([cell])
    if meta:
        cell = WriteOnlyCell(sheet, value=meta)
        cell.font = Font(italic=True, color="5F6B7A")
        sheet.append([cell])
    header_cells = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in itertools.chain(first, rows):
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    workbook.save(target)
    return count


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in a sheet name and more than 31 characters.
    clean = "".join(ch for ch in (title or "Sheet1") if ch not in "[]:*?/\\")
    return clean[:31] or "Sheet1"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _query_for_audit(request) -> str:
    query = request.GET.copy()
    for name in SECRET_PARAMS:
        if query.get(name):
            query[name] = "***"
    return query.urlencode(safe="*")


def excel_text(value: str) -> str:
    """The text without the control characters an .xlsx cannot hold (openpyxl refuses them,
    so one ``\v`` in a name would fail the whole export); tabs and line breaks stay."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet, value):
    """Text stays text: a name or note typed as ``=HYPERLINK(…)`` must not become a formula
    in the office's spreadsheet (formula injection). Dates are dates, in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        value = excel_text(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def export_meta(request, *, period: str = "") -> str:
    """The line under the title: the period (if any), who exported and when (local time)."""
    user = request.user
    who = getattr(user, "full_name", "") or user.get_username()
    parts = []
    if period:
        parts.append(_("Period: %(period)s") % {"period": period})
    parts.append(_("Exported by %(user)s") % {"user": who})
    parts.append(_("at %(when)s") % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}"})
    return "　".join(parts)


def _unit_of(request) -> str:
    unit = getattr(request.user, "unit", None)
    return unit.name if unit is not None else ""


def xlsx_response(
    request,
    *,
    basename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    what: str,
    title: str = "",
    unit: str = "",
    period: str = "",
) -> FileResponse:
    """A download of ``rows`` as ``<basename>-<date>.xlsx``, with an audit row naming ``what``.

    ``title`` names the list (default: ``basename``), ``unit`` whose data it is (default: the
    user's unit), ``period`` the time it covers, if it has one."""
    spool = tempfile.TemporaryFile()
    unit = unit or _unit_of(request)
    title = title or basename
    heading = f"{unit} · {title}" if unit else title
    count = write_xlsx(
        spool,
        headers,
        rows,
        title=title,
        heading=heading,
        meta=export_meta(request, period=period),
    )
    spool.seek(0)
    audit.record(
        request.user,
        AuditAction.EXPORT,
        model_label=what,
        object_repr=heading,
        changes={
            "rows": count,
            "query": _query_for_audit(request),
            "title": heading,
            "period": period,
            "columns": [str(h) for h in headers],
        },
    )
    filename = f"{basename}-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(spool, content_type=XLSX)
    # RFC 5987 so a Chinese file name survives every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
