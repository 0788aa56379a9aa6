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


@pytest.mark.django_db
def test_xlsx_response_names_the_file_in_utf8_and_audits_the_export(world):
    request = RequestFactory().get("/control/persons/export/?status=in_society")
    request.user = world.users["office_admin"]
    response = xlsx_response(
        request, basename="人员名单", headers=["姓名"], rows=[("甲",)], what="control.Person"
    )
    assert (
        "filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%90%8D%E5%8D%95-" in response["Content-Disposition"]
    )
    body = b"".join(response.streaming_content)
    assert load_workbook(io.BytesIO(body)).active["A2"].value == "甲"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.users["office_admin"]
    assert event.changes == {"rows": 1, "query": "status=in_society"}
