"""Bounded input everywhere (issue 16, item 8)."""

import io

from openpyxl import Workbook, load_workbook

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.control.roster import importer as roster
from jindu.control.tests.factories import person
from jindu.control.tests.test_roster import row, xlsx
from jindu.core import xlsx as core_xlsx
from jindu.core.exports import write_xlsx


def test_control_characters_do_not_break_an_export(world, login):
    # A vertical tab is legal in a database text but not in an xlsx cell.
    person(world, name="张\v测试")
    buffer = io.BytesIO()
    write_xlsx(buffer, ["name"], [["张\v测试\x01"]])
    buffer.seek(0)
    assert load_workbook(buffer).active["A2"].value == "张测试"
    response = login(world.users["office_admin"]).get("/control/persons/export/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "张测试" in [c.value for c in book.active["B"]] + [
        c.value for r in book.active.iter_rows() for c in r
    ]


def test_free_text_has_a_maximum_length_over_the_api(world, api_as):
    p = person(world)
    api = api_as(world.users["township_a"])
    response = api.post(
        "/api/v1/contacts/",
        {"person": p.pk, "date": "2021-03-05", "kind": "visit", "summary": "x" * 100_000},
        format="json",
    )
    assert response.status_code == 400 and "summary" in response.json()["errors"]


def test_the_audit_trail_keeps_a_long_text_by_its_start_length_and_hash(world):
    event = audit.record(None, AuditAction.UPDATE, model_label="x.Y", changes={"s": "y" * 50_000})
    kept = event.changes["s"]
    assert len(kept) < 400 and "50000" in kept and "sha256" in kept


def test_blank_rows_count_toward_the_import_budget(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(roster.HEADERS)
    good = row(world)
    sheet.append([good.get(t) for t in roster.HEADERS])
    # Far below the file limits, but past the rows budget once blank rows count.
    sheet.cell(row=600, column=1, value=" ")
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = roster.import_roster(world.users["township_a"], buffer, max_rows=100)
    assert (
        not report.finished
        and report.errors
        and any(w in report.errors[0].message.lower() for w in ("blank", "空行"))
    )


def test_a_workbook_too_large_unpacked_is_refused_before_reading(world, monkeypatch):
    monkeypatch.setattr(core_xlsx, "MAX_UNPACKED_BYTES", 10)
    report = roster.import_roster(world.users["township_a"], xlsx([row(world)]))
    assert not report.finished
    assert "unpacked" in report.errors[0].message or "解压" in report.errors[0].message


def test_page_forms_refuse_dates_that_mean_nothing(world, login):
    """Every form field of a page (declared or from a model) takes dates 1900–2100 and times
    from 1901, as the API does: 9999-12-31 or the year 935 is shown as an error, not used."""
    import datetime

    import pytest
    from django import forms

    from jindu.enforcement.forms import CaseForm

    for value in ("9999-12-31", "0935-01-07", "1899-12-31", "2101-01-01"):
        with pytest.raises(forms.ValidationError):
            forms.DateField().clean(value)
    assert forms.DateField().clean("1900-01-01") == datetime.date(1900, 1, 1)
    assert forms.DateField().clean("2100-12-31") == datetime.date(2100, 12, 31)
    with pytest.raises(forms.ValidationError):
        forms.DateTimeField().clean("9999-12-31 10:00")
    with pytest.raises(forms.ValidationError):
        forms.DateTimeField().clean("1900-06-01 10:00")
    assert forms.DateTimeField().clean("2026-12-01 10:00").year == 2026
    # A model form's date field, made from the model.
    date_fields = [f for f in CaseForm.base_fields.values() if isinstance(f, forms.DateField)]
    assert date_fields
    with pytest.raises(forms.ValidationError):
        date_fields[0].clean("9999-12-31")

    response = login(world.users["office_admin"]).get("/control/access-log/?date_from=9999-12-31")
    assert response.status_code == 200
    assert "请输入 1900-01-01 至 2100-12-31 之间的日期。" in response.content.decode()
