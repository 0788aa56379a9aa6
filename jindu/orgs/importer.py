"""Importing the organisation tree from the county's Excel template.

The whole file is checked first; if any row is wrong, nothing is imported and every bad row
is reported with its reason. Re-importing the same file changes nothing.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core import xlsx
from jindu.core.errors import Refused
from jindu.core.scoping import require_office

from . import rules, services
from .models import OrgUnit, UnitKind

HEADERS = ["编码", "名称", "类型", "上级编码", "地址", "电话"]
# Kinds may be written in Chinese (as on the template) or as codes.
KIND_NAMES = {
    "县": UnitKind.COUNTY,
    "乡镇": UnitKind.TOWNSHIP,
    "镇": UnitKind.TOWNSHIP,
    "乡": UnitKind.TOWNSHIP,
    "园区": UnitKind.PARK,
    "村": UnitKind.VILLAGE,
    "社区": UnitKind.COMMUNITY,
    "网格": UnitKind.GRID,
    "成员单位": UnitKind.MEMBER_UNIT,
    "派出所": UnitKind.POLICE_STATION,
    "司法所": UnitKind.JUDICIAL_OFFICE,
}
MAX_ROWS = 20000
# The template's column titles, for messages about a value's length.
FIELD_NAMES = {"code": "编码", "name": "名称", "address": "地址", "phone": "电话"}


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def as_json(self) -> dict:
        """The report as the background job stores it (``core/import_result.html``)."""
        return {
            **self.counts(),
            "ok": self.ok,
            "error_count": len(self.errors),
            "errors": [{"row": e.row, "message": str(e.message)} for e in self.errors],
        }


@dataclass
class Row:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str
    address: str
    phone: str


def cell_text(value) -> str:
    """A cell as the text a person typed: empty for none, 12 not 12.0, a date without time.
    Shared by every Excel import (the control roster too)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def read_rows(file, progress=None) -> tuple[list[Row], list[RowError]]:
    """The file's rows, streamed under the budgets of ``core.xlsx`` (bytes unpacked, rows
    read including blank ones, time)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    try:
        stream = xlsx.rows(file, progress)
        _header_row, first = next(stream, (1, ()))
        header = [cell_text(v) for v in first]
        if header[: len(HEADERS)] != HEADERS:
            stream.close()
            return [], [
                RowError(
                    1,
                    _("The first row must be the template's headers: %(headers)s.")
                    % {"headers": "、".join(HEADERS)},
                )
            ]
        for number, values in stream:
            if progress is not None and number % 1000 == 0:
                progress(number - 1)
            values = [cell_text(v) for v in (*values, *[None] * len(HEADERS))][: len(HEADERS)]
            if not any(values):
                continue
            if len(rows) >= MAX_ROWS:
                errors.append(
                    RowError(number, _("Too many rows: at most %(n)d per file.") % {"n": MAX_ROWS})
                )
                stream.close()
                break
            code, name, kind_text, parent_code, address, phone = values
            kind = KIND_NAMES.get(kind_text, kind_text)
            if kind not in UnitKind.values:
                errors.append(
                    RowError(
                        number,
                        _("Unknown kind “%(kind)s”: use one of %(kinds)s.")
                        % {"kind": kind_text, "kinds": "、".join(KIND_NAMES)},
                    )
                )
                continue
            rows.append(Row(number, code, name, kind, parent_code, address, phone))
        if progress is not None:
            progress(len(rows))
    except xlsx.SheetProblem as problem:
        # 0 marks a problem of the whole file: nothing of it is imported.
        return [], [RowError(0, str(problem.message))]
    return rows, errors


def check_rows(rows: list[Row], existing: dict[str, tuple[str, str]]) -> list[RowError]:
    """Every problem in the file. ``existing`` maps code → (kind, parent code) in the database.

    Rows may refer to parents earlier in the file or already in the database.
    """
    errors: list[RowError] = []
    known = dict(existing)
    seen: set[str] = set()
    for row in rows:
        # Every problem of the row is reported, not only the first.
        problems = _row_problems(row, known, existing, seen)
        if problems:
            errors.append(RowError(row.number, "；".join(problems)))
        if row.code:
            seen.add(row.code)
        if not problems:
            known[row.code] = (row.kind, row.parent_code)
    return errors


# Longer values are refused, never cut (the model's field lengths).
MAX_LENGTHS = (("name", 100), ("address", 200), ("phone", 40), ("code", 20))


def _row_problems(row, known, existing, seen) -> list[str]:
    problems: list[str] = []
    if not row.code:
        problems.append(_("The code is empty."))
    if not row.name:
        problems.append(_("The name is empty."))
    for attr, limit in MAX_LENGTHS:
        value = getattr(row, attr) or ""
        if len(value) > limit:
            problems.append(
                _("%(field)s: at most %(n)d characters (this has %(len)d).")
                % {"field": FIELD_NAMES[attr], "n": limit, "len": len(value)}
            )
    if not row.code:
        return problems
    if row.code in seen:
        problems.append(_("Code %(code)s appears twice in the file.") % {"code": row.code})
        return problems
    parent = known.get(row.parent_code) if row.parent_code else None
    if row.parent_code and parent is None:
        problems.append(
            _("Parent code %(code)s is neither in the system nor on an earlier row.")
            % {"code": row.parent_code}
        )
    else:
        parent_level = rules.level_of(parent[0]) if parent else None
        problem = rules.parent_problem(row.kind, parent_level)
        if problem:
            problems.append(problem)
    problem = rules.code_problem(row.kind, row.code, row.parent_code or None)
    if problem:
        problems.append(problem)
    if row.code in existing and existing[row.code] != (row.kind, row.parent_code):
        problems.append(
            _("Unit %(code)s exists with another kind or parent; move it in the interface instead.")
            % {"code": row.code}
        )
    return problems


def import_units(actor, file, progress=None) -> ImportReport:
    """Import the file (a path or a binary file object); ``progress(done, total)`` is called
    while reading when the import runs as a background job (``orgs.tasks``). A refused file
    leaves an audit event with its counts (issue 16, item 4)."""
    require_office(actor)
    report = _import_units(actor, file, progress)
    if not report.ok:
        audit.record(
            actor,
            AuditAction.REFUSED,
            model_label="orgs.OrgUnit",
            object_repr=_("Organisation import refused"),
            changes={"bad_rows": len(report.errors)},
        )
    return report


def _import_units(actor, file, progress=None) -> ImportReport:
    report = ImportReport()
    rows, read_errors = read_rows(file, progress)
    if any(e.row <= 1 for e in read_errors):  # unreadable file or wrong headers
        report.errors = read_errors
        return report
    if not rows and not read_errors:
        report.errors.append(RowError(0, _("The file has no data rows.")))
        return report
    existing = {
        code: (kind, parent_code or "")
        for code, kind, parent_code in OrgUnit.objects.values_list("code", "kind", "parent__code")
    }
    # Rows with an unknown kind are reported together with every other bad row.
    report.errors = sorted(read_errors + check_rows(rows, existing), key=lambda e: e.row)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            by_code = {
                u.code: u
                for u in OrgUnit.objects.filter(
                    code__in={r.code for r in rows} | {r.parent_code for r in rows}
                )
            }
            for row in rows:
                unit = by_code.get(row.code)
                if unit is None:
                    unit = services.create_unit(
                        actor,
                        code=row.code,
                        name=row.name,
                        kind=row.kind,
                        parent=by_code.get(row.parent_code),
                        address=row.address,
                        phone=row.phone,
                    )
                    by_code[unit.code] = unit
                    report.created += 1
                elif (unit.name, unit.address, unit.phone) != (row.name, row.address, row.phone):
                    services.update_unit(
                        actor, unit, name=row.name, address=row.address, phone=row.phone
                    )
                    report.updated += 1
                else:
                    report.unchanged += 1
            audit.record(
                actor,
                AuditAction.IMPORT,
                model_label="orgs.OrgUnit",
                object_repr=_("Organisation import"),
                changes={"counts": report.counts()},
            )
    except Refused as exc:
        report.errors = [RowError(0, str(exc.message))]
        report.created = report.updated = report.unchanged = 0
    return report


def template_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "组织机构"
    sheet.append(HEADERS)
    sheet.append(["430421100000", "示例镇", "乡镇", "430421000000", "示例镇人民政府", ""])
    sheet.append(["430421100201", "示例村", "村", "430421100000", "", ""])
    sheet.append(["430421100201001", "示例村第一网格", "网格", "430421100201", "", ""])
    for column, width in zip("ABCDEF", (20, 24, 10, 20, 30, 16), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["类型", "编码规则"])
    notes.append(["乡镇 / 园区", "县级区划代码6位 + 乡镇3位(非000) + 000，共12位"])
    notes.append(["村 / 社区", "所属乡镇编码前9位 + 村3位(非000)，共12位"])
    notes.append(["网格", "所属村(社区)12位编码 + 3位(非000)"])
    notes.append(["成员单位 / 派出所 / 司法所", "县级区划代码6位 + M / P / J + 2位序号"])
    notes.append(["说明", "上级单位须已在系统中或在本表靠前的行中；任何一行有误则整表不导入。"])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
