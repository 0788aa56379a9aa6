"""An enterprise's monthly ledger (购销存台账) from Excel, and its template.

The house pattern of ``jindu/control/roster.py``: the workbook is streamed once
(``read_only``), in chunks, inside one transaction; every row is checked by the same
``services.clean_entry`` as the form and the API, and every bad row is reported with its
row, column and reason in Chinese. All or nothing: one bad row and nothing is written (the
rest of the file is still checked, so every bad row is listed). Re-importing the same file
changes nothing: a line with the same document number, substance and movement that says the
same is left as it is; one that says something else is a bad row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core import xlsx
from jindu.core.errors import Refused
from jindu.orgs.importer import RowError, cell_text

from . import services
from .models import Chemical, Enterprise, LedgerEntry, Movement, Payment, Source

DATE = "日期"
CHEMICAL = "品种"
MOVEMENT = "业务类型"
QUANTITY = "数量"
COUNTERPARTY_CODE = "对方统一社会信用代码"
COUNTERPARTY_NAME = "对方单位名称"
COUNTERPARTY_LICENCE = "对方许可证或备案证明编号"
DOCUMENT = "单据号"
PAYMENT = "付款方式"
USE = "购买方自述用途"
TRANSPORT = "运输许可证或备案证明编号"
FILED = "公安备案日期"
BUYER = "购买人身份证号"
PRESCRIBED = "凭处方"
HEADERS = [
    DATE, CHEMICAL, MOVEMENT, QUANTITY, COUNTERPARTY_CODE, COUNTERPARTY_NAME,
    COUNTERPARTY_LICENCE, DOCUMENT, PAYMENT, USE, TRANSPORT, FILED, BUYER, PRESCRIBED,
]  # fmt: skip
REQUIRED = [DATE, CHEMICAL, MOVEMENT, QUANTITY, DOCUMENT]
FIELD_COLUMNS = {
    "date": DATE,
    "chemical": CHEMICAL,
    "movement": MOVEMENT,
    "quantity": QUANTITY,
    "counterparty": COUNTERPARTY_CODE,
    "counterparty_name": COUNTERPARTY_NAME,
    "counterparty_licence": COUNTERPARTY_LICENCE,
    "document_no": DOCUMENT,
    "payment": PAYMENT,
    "stated_use": USE,
    "transport_licence": TRANSPORT,
    "filed_on": FILED,
    "buyer_id_number": BUYER,
}
MOVEMENT_NAMES = {
    "购进": Movement.PURCHASE,
    "销售": Movement.SALE,
    "生产使用": Movement.USE,
    "调入": Movement.TRANSFER_IN,
    "调出": Movement.TRANSFER_OUT,
    "丢失被盗": Movement.LOSS,
    "销毁": Movement.DESTRUCTION,
    "运输": Movement.TRANSPORT,
    "盘点": Movement.STOCK_COUNT,
}
PAYMENT_NAMES = {
    "转账": Payment.TRANSFER,
    "现金": Payment.CASH,
    "实物": Payment.BARTER,
    "刷卡": Payment.CARD,
    "支票": Payment.CHEQUE,
    "其他": Payment.OTHER,
}
EXAMPLE_MARK = "示例"
CHUNK = 1000
MAX_ERRORS = 500
TEMPLATE_ROWS = 3000


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    unchanged: int = 0
    rows: int = 0
    error_count: int = 0
    flags: int = 0
    finished: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        """The report as a background job stores it (``core/import_result.html``)."""
        return {
            "ok": self.finished and not self.errors,
            "created": self.created,
            "unchanged": self.unchanged,
            "flags": self.flags,
            "error_count": self.error_count,
            "errors": [{"row": e.row, "message": str(e.message)} for e in self.errors],
        }

    def add_error(self, row: int, column: str, message) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, f"{column}：{message}"))


class _FileProblem(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class _Rollback(Exception):
    pass


def _read(source, progress=None):
    """The data rows as (row number, {column: value}), streamed under the budgets of
    ``core.xlsx`` (issue 16, item 8); blank rows count toward the budget."""
    try:
        stream = xlsx.rows(source, progress)
        _header_row, first = next(stream, (1, ()))
        header = [cell_text(v).rstrip("*＊") for v in first]
        positions = {title: header.index(title) for title in HEADERS if title in header}
        if any(title not in positions for title in REQUIRED):
            stream.close()
            raise _FileProblem(
                _("This is not the ledger template: the first row must name %(headers)s.")
                % {"headers": "、".join(REQUIRED)}
            )
        for number, values in stream:
            if not values:
                continue
            values = (*values, *[None] * (len(header) - len(values)))
            cells = {title: values[i] for title, i in positions.items()}
            if all(cell_text(v) == "" for v in cells.values()):
                continue
            if cell_text(cells[DATE]).startswith(EXAMPLE_MARK):
                continue
            yield number, cells
    except xlsx.SheetProblem as problem:
        raise _FileProblem(problem.message) from None


class _Pass:
    def __init__(self, actor, enterprise: Enterprise, report: ImportReport):
        self.actor, self.enterprise, self.report = actor, enterprise, report
        self.chemicals = {}
        for chemical in Chemical.objects.all():
            self.chemicals[chemical.code] = chemical
            self.chemicals[chemical.name] = chemical
        self.partners: dict[str, Enterprise | None] = {}
        self.seen: dict[tuple, int] = {}

    def _partner(self, code: str) -> Enterprise | None:
        if code not in self.partners:
            self.partners[code] = Enterprise.objects.filter(credit_code=code.upper()).first()
        return self.partners[code]

    def parse(self, number: int, cells: dict) -> dict | None:
        movement_text = cell_text(cells.get(MOVEMENT))
        payment_text = cell_text(cells.get(PAYMENT))
        data = {
            "date": cells.get(DATE)
            if not isinstance(cells.get(DATE), str)
            else cell_text(cells[DATE]),
            "chemical": cell_text(cells.get(CHEMICAL)),
            "movement": MOVEMENT_NAMES.get(movement_text, movement_text),
            "quantity": cell_text(cells.get(QUANTITY)),
            "counterparty_name": cell_text(cells.get(COUNTERPARTY_NAME)),
            "counterparty_licence": cell_text(cells.get(COUNTERPARTY_LICENCE)),
            "document_no": cell_text(cells.get(DOCUMENT)),
            "payment": PAYMENT_NAMES.get(payment_text, payment_text),
            "stated_use": cell_text(cells.get(USE)),
            "transport_licence": cell_text(cells.get(TRANSPORT)),
            "filed_on": cells.get(FILED)
            if not isinstance(cells.get(FILED), str)
            else cell_text(cells[FILED]),
            "buyer_id_number": cell_text(cells.get(BUYER)),
            "prescribed": cell_text(cells.get(PRESCRIBED)) in ("是", "Y", "y", "1", "true"),
        }
        code = cell_text(cells.get(COUNTERPARTY_CODE))
        if code:
            partner = self._partner(code)
            if partner is None:
                self.report.add_error(
                    number, COUNTERPARTY_CODE, _("No registered enterprise has this code.")
                )
                return None
            data["counterparty"] = partner
        try:
            cleaned = services.clean_entry(
                self.actor, self.enterprise, data, chemicals=self.chemicals
            )
        except Refused as exc:
            for name, messages in (exc.errors or {"": [exc.message]}).items():
                column = FIELD_COLUMNS.get(name, DOCUMENT)
                self.report.add_error(number, column, "；".join(str(m) for m in messages))
            return None
        key = (cleaned["document_no"], cleaned["chemical"].pk, cleaned["movement"])
        if key in self.seen:
            self.report.add_error(
                number,
                DOCUMENT,
                _("The same document, substance and movement is already on row %(row)d.")
                % {"row": self.seen[key]},
            )
            return None
        self.seen[key] = number
        cleaned["_row"] = number
        return cleaned

    def chunk(self, raw) -> None:
        rows = [c for n, cells in raw if (c := self.parse(n, cells)) is not None]
        if not rows:
            return
        existing = {
            (e.document_no, e.chemical_id, e.movement): e
            for e in LedgerEntry.objects.filter(
                enterprise=self.enterprise, document_no__in={r["document_no"] for r in rows}
            )
        }
        for cleaned in rows:
            old = existing.get(
                (cleaned["document_no"], cleaned["chemical"].pk, cleaned["movement"])
            )
            if old is not None:
                if services.same_line(old, cleaned):
                    self.report.unchanged += 1
                else:
                    self.report.add_error(
                        cleaned["_row"],
                        DOCUMENT,
                        _("This document number is already in the ledger with other values."),
                    )
                continue
            if self.report.error_count:
                continue  # all or nothing: keep checking, stop writing
            entry = services.write_entry(self.actor, cleaned, source=Source.IMPORT)
            self.report.flags += entry.flags.count()
            self.report.created += 1

    def run(self, source, progress=None) -> None:
        batch = []
        for number, cells in _read(source, progress):
            self.report.rows += 1
            batch.append((number, cells))
            if len(batch) >= CHUNK:
                self.chunk(batch)
                batch = []
                if progress is not None:
                    progress(number - 1)
        if batch:
            self.chunk(batch)
        if progress is not None:
            progress(self.report.rows)


def import_ledger(actor, enterprise: Enterprise, source, progress=None) -> ImportReport:
    """Import one enterprise's ledger lines (a path or a binary file of an .xlsx); nothing
    is written unless every row is good. A refused file leaves an audit event with its
    counts (issue 16, item 4); ``progress(done, total)`` reports to a background job."""
    services._require_manage(actor, enterprise)
    report = _import_ledger(actor, enterprise, source, progress)
    if not report.finished:
        audit.record(
            actor,
            AuditAction.REFUSED,
            model_label="precursors.LedgerEntry",
            object_repr=f"{enterprise.name} ledger import refused",
            changes={"rows": report.rows, "bad_rows": report.error_count},
        )
    return report


def _import_ledger(actor, enterprise: Enterprise, source, progress=None) -> ImportReport:
    report = ImportReport()
    try:
        with transaction.atomic():
            _Pass(actor, enterprise, report).run(source, progress)
            if not report.rows:
                raise _FileProblem(_("The file has no data rows."))
            if report.error_count:
                raise _Rollback
            audit.record(
                actor,
                AuditAction.IMPORT,
                model_label="precursors.LedgerEntry",
                object_repr=f"{enterprise.name} ledger import",
                changes={
                    "rows": report.rows,
                    "created": report.created,
                    "unchanged": report.unchanged,
                },
            )
    except _Rollback:
        report.created = report.unchanged = report.flags = 0
        return report
    except _FileProblem as problem:
        return ImportReport(error_count=1, errors=[RowError(0, str(problem.message))])
    report.finished = True
    return report


# ---------------------------------------------------------------- the template


def template_bytes() -> bytes:
    """The ledger template: headers, an example row (skipped), drop-down lists from a sheet
    of codes, and a sheet "说明" explaining every column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "购销存台账"
    sheet.append(HEADERS)
    sheet.append(
        ["示例：2026-03-05（本行为示例，导入时跳过）", "丙酮", "销售", "200", "91430421MA0000001X",
         "", "", "XS-2026-0001", "转账", "实验室清洗", "", "2026-03-08", "", ""]
    )  # fmt: skip
    bold, grey = Font(bold=True), Font(italic=True, color="808080")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for cell in sheet[2]:
        cell.font = grey
    for index, width in enumerate((14, 26, 10, 10, 22, 22, 20, 16, 10, 18, 20, 14, 20, 8)):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for letter in "EHM":
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    codes = workbook.create_sheet("代码")
    chemicals = list(Chemical.objects.order_by("category", "code").values_list("name", flat=True))
    codes.append(["品种", "业务类型", "付款方式", "凭处方"])
    for i in range(max(len(chemicals), len(MOVEMENT_NAMES), len(PAYMENT_NAMES))):
        codes.append(
            [
                chemicals[i] if i < len(chemicals) else None,
                list(MOVEMENT_NAMES)[i] if i < len(MOVEMENT_NAMES) else None,
                list(PAYMENT_NAMES)[i] if i < len(PAYMENT_NAMES) else None,
                ("是", "否")[i] if i < 2 else None,
            ]
        )
    last = TEMPLATE_ROWS + 2
    for column, letter, count in (
        ("B", "A", len(chemicals)),
        ("C", "B", len(MOVEMENT_NAMES)),
        ("I", "C", len(PAYMENT_NAMES)),
        ("N", "D", 2),
    ):
        validation = DataValidation(
            type="list",
            formula1=f"代码!${letter}$2:${letter}${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            error="请从下拉列表中选择。",
        )
        validation.add(f"{column}3:{column}{last}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("说明")
    notes.append(["列", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for line in (
        (DATE, "必填", "业务发生日期，如 2026-03-05；不得晚于今天，不得早于该品种列管日期。"),
        (CHEMICAL, "必填", "品种名称或代码，从下拉列表选择（见“代码”表）。"),
        (MOVEMENT, "必填", "购进、销售、生产使用、调入、调出、丢失被盗、销毁、运输、盘点之一。"
         "盘点行的数量为当日实际库存（可为0）；运输不改变库存。"),
        (QUANTITY, "必填", "按目录计量单位填写的数量（千克、升、克或最小包装），不得为负。"),
        (COUNTERPARTY_CODE, "选填", "对方为本县在册企业时填写其18位统一社会信用代码。"),
        (COUNTERPARTY_NAME, "选填", "对方不在本县登记的，填写单位全称；购进、销售、调入、调出须填对方。"),  # noqa: E501
        (COUNTERPARTY_LICENCE, "选填", "外地对方的购买许可证或备案证明编号；销售给外地单位时必填，否则预警。"),  # noqa: E501
        (DOCUMENT, "必填", "出入库单、发票或盘点单编号；同一单据号、品种和业务类型只能出现一次。"),
        (PAYMENT, "购销必填", "转账等；禁止现金和实物交易（易制毒条例第五条），填写后将产生预警。"),
        (USE, "选填", "销售时购买方的自述用途。"),
        (TRANSPORT, "选填", "运输时的运输许可证或备案证明编号。"),
        (FILED, "选填", "销售向公安机关备案的日期；第一类5日内、第二、三类30日内（易制毒条例第十九条）。"),  # noqa: E501
        (BUYER, "药店必填", "含麻黄碱类复方制剂零售时购买人的身份证号；系统只保存密钥散列和掩码。"),
        (PRESCRIBED, "选填", "是/否：凭处方销售含麻黄碱类复方制剂时不受每次2个最小包装的限制。"),
    ):  # fmt: skip
        notes.append(list(line))
    notes.append([])
    for rule in (
        "第2行为填写示例（以“示例”开头），导入时自动跳过。",
        "全部正确才导入：任何一行有误则整表不导入，并列出每个错误行、列及原因。",
        "重复导入同一文件不会产生重复记录；单据号相同但内容不同的行将被拒绝。",
        "导入后系统自动核查现金交易、无证购买、超量、运输无证、含麻超量等情形并产生预警。",
    ):
        notes.append(["注意", "", rule])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
