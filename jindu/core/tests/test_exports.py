import io

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from jindu.audit.models import AuditAction, AuditEvent
from jindu.core.exports import write_xlsx, xlsx_response


def test_write_xlsx_writes_headers_and_rows_and_blanks_for_none():
    buffer = io.BytesIO()
    count = write_xlsx(
        buffer, ["姓名", "身份证号"], iter([("甲", "430421********123X"), ("乙", None)])
    )
    assert count == 2
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["姓名", "身份证号"],
        ["甲", "430421********123X"],
        ["乙", None],
    ]


def test_text_that_looks_like_a_formula_stays_text():
    buffer = io.BytesIO()
    write_xlsx(buffer, ["备注"], [('=HYPERLINK("http://evil.example","x")',), ("-1",), (-1,)])
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://evil.example","x")'
    assert (sheet["A3"].data_type, sheet["A3"].value) == ("s", "-1")
    assert sheet["A4"].value == -1  # numbers stay numbers


@pytest.mark.django_db
def test_xlsx_response_names_the_file_in_utf8_and_audits_the_export(world):
    request = RequestFactory().get(
        "/control/persons/export/?status=in_society&id_number=43042119900101201X"
    )
    request.user = world.users["office_admin"]
    response = xlsx_response(
        request, basename="人员名单", headers=["姓名"], rows=[("甲",)], what="control.Person"
    )
    assert (
        "filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%90%8D%E5%8D%95-" in response["Content-Disposition"]
    )
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    # Title row (the user's unit and the list), who and when, the frozen header, the rows.
    assert "人员名单" in sheet["A1"].value and "导出人" in sheet["A2"].value
    assert sheet["A3"].value == "姓名" and sheet["A4"].value == "甲"
    assert sheet.freeze_panes == "A4"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.users["office_admin"]
    # The filter is recorded, never the number it searched for.
    assert event.changes["rows"] == 1
    assert event.changes["query"] == "status=in_society&id_number=***"
    assert event.changes["columns"] == ["姓名"]
