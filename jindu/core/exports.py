"""Excel exports of lists: one helper so every export streams, names its file the same way
and is audited.

Rows are written with openpyxl's write-only mode into a temporary file, so a long list does
not hold a whole worksheet in memory. Callers pass rows that are already scoped and masked:
this module never decides what a user may see.
"""

import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from jindu.audit import services as audit
from jindu.audit.models import AuditAction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Filters whose values are personal numbers: the audit trail records that they were used,
# never the value (the trail is append-only; a number written there stays forever).
SECRET_PARAMS = ("id_number", "phone")


def write_xlsx(target, headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "") -> int:
    """Write one sheet to ``target`` (a path or binary file); returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    sheet.append(list(headers))
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    workbook.save(target)
    return count


def _query_for_audit(request) -> str:
    query = request.GET.copy()
    for name in SECRET_PARAMS:
        if query.get(name):
            query[name] = "***"
    return query.urlencode(safe="*")


def _cell(sheet, value):
    """Text stays text: a name or note typed as ``=HYPERLINK(…)`` must not become a formula
    in the office's spreadsheet (formula injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_response(
    request, *, basename: str, headers: Sequence[str], rows: Iterable[Sequence], what: str
) -> FileResponse:
    """A download of ``rows`` as ``<basename>-<date>.xlsx``, with an audit row naming ``what``."""
    spool = tempfile.TemporaryFile()
    count = write_xlsx(spool, headers, rows, title=basename)
    spool.seek(0)
    audit.record(
        request.user,
        AuditAction.EXPORT,
        model_label=what,
        object_repr=basename,
        changes={"rows": count, "query": _query_for_audit(request)},
    )
    filename = f"{basename}-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(spool, content_type=XLSX)
    # RFC 5987 so a Chinese file name survives every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
