"""The monthly ledger from Excel: per-row errors in Chinese, all or nothing, idempotent."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from jindu.precursors import ledger_import
from jindu.precursors.models import Flag, LedgerEntry

from . import factories as f


@pytest.fixture
def company(world, db):
    f.catalogue()
    return f.enterprise(world.township_a, name="甲镇导入化工")


def workbook(rows):
    book = load_workbook(io.BytesIO(ledger_import.template_bytes()))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


GOOD = [
    ["2025-03-01", "丙酮", "购进", "100", "", "外省某公司", "赣备1", "RK-1", "转账"],
    ["2025-03-05", "acetone", "生产使用", "40", "", "", "", "SY-1", ""],
    ["2025-03-31", "丙酮", "盘点", "60", "", "", "", "PD-1", ""],
    ["2025-03-10", "丙酮", "销售", "5", "", "外县某店", "外备2", "XS-1", "现金"],
]


def test_the_template_has_drop_downs_and_an_explanation_sheet(company):
    book = load_workbook(io.BytesIO(ledger_import.template_bytes()))
    assert book.sheetnames == ["购销存台账", "代码", "说明"]
    assert book.worksheets[0].data_validations.dataValidation


def test_a_clean_file_imports_and_a_second_import_changes_nothing(world, company):
    report = ledger_import.import_ledger(world.users["station_a"], company, workbook(GOOD))
    assert report.ok and report.created == 4 and report.flags == 1
    assert Flag.objects.get().rule == "cash_payment"
    again = ledger_import.import_ledger(world.users["station_a"], company, workbook(GOOD))
    assert again.ok and again.created == 0 and again.unchanged == 4
    assert LedgerEntry.objects.count() == 4 and Flag.objects.count() == 1


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(world, company):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    rows = [
        *GOOD,
        ["2025-03-02", "不存在的品种", "购进", "1", "", "某公司", "", "RK-2", "转账"],
        [tomorrow, "丙酮", "生产使用", "-2", "", "", "", "SY-2", ""],
        ["2025-03-01", "丙酮", "购进", "100", "", "外省某公司", "赣备1", "RK-1", "转账"],
    ]
    report = ledger_import.import_ledger(world.users["station_a"], company, workbook(rows))
    assert not report.ok and LedgerEntry.objects.count() == 0
    text = "\n".join(f"{e.row} {e.message}" for e in report.errors)
    assert "7 品种：未知的品种" in text
    assert "8 日期：日期不能晚于今天" in text and "8 数量：数量不能为负数" in text
    assert "9 单据号：相同单据号、品种和业务类型已在第 3 行" in text


def test_a_changed_line_on_reimport_is_refused(world, company):
    ledger_import.import_ledger(world.users["station_a"], company, workbook(GOOD))
    changed = [["2025-03-01", "丙酮", "购进", "120", "", "外省某公司", "赣备1", "RK-1", "转账"]]
    report = ledger_import.import_ledger(world.users["station_a"], company, workbook(changed))
    assert not report.ok and "内容不同" in report.errors[0].message


def test_the_township_may_not_import(world, company):
    from jindu.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        ledger_import.import_ledger(world.users["township_a"], company, workbook(GOOD))
