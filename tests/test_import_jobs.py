"""Every Excel import runs under the budgets of core.xlsx and goes to a background job with
progress when the file is large (issue 16, item 8)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from jindu.audit.models import AuditAction, AuditEvent
from jindu.core import xlsx
from jindu.core.models import BackgroundJob, JobStatus
from jindu.orgs import importer
from jindu.orgs.models import OrgUnit
from jindu.precursors import ledger_import
from jindu.precursors.models import LedgerEntry
from jindu.precursors.tests import factories as pf
from jindu.prevention import services as prevention
from jindu.prevention.models import QingjiaoFigures

pytestmark = pytest.mark.django_db


def _book(headers, rows, blank_at=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    if blank_at:
        sheet.cell(row=blank_at, column=1, value=" ")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ledger(rows, blank_at=None) -> bytes:
    book = load_workbook(io.BytesIO(ledger_import.template_bytes()))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    if blank_at:
        sheet.cell(row=blank_at, column=1, value=" ")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


UNITS = [["430421102000", "丙镇", "乡镇", "430421000000", "丙镇人民政府", ""]]
LEDGER = [["2025-03-01", "丙酮", "购进", "100", "", "外省某公司", "赣备1", "RK-1", "转账"]]
QINGJIAO = [["甲镇中心小学", "2019-2020", 400, 380, 350, 300, 40, 86.5]]


@pytest.fixture
def company(world):
    pf.catalogue()
    return pf.enterprise(world.township_a, name="甲镇导入化工")


@pytest.fixture
def school(world):
    return prevention.register_school(
        world.users["member"], name="甲镇中心小学", org_unit=world.village_a, stage="primary"
    )


def _large(monkeypatch):
    # Every upload counts as large: the page must hand it to a job, not read it itself.
    monkeypatch.setattr(xlsx, "BACKGROUND_BYTES", 0)


def _finished_job(client, response, user):
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = BackgroundJob.objects.get(user=user)
    assert job.status == JobStatus.DONE, job.error
    assert job.total >= 1 and job.done >= 1  # progress was reported
    page = client.get(response["Location"])
    assert page.status_code == 200
    return job, page.content.decode()


def test_a_large_organisation_file_is_imported_by_a_job_with_progress(world, login, monkeypatch):
    _large(monkeypatch)
    user = world.users["office_admin"]
    client = login(user)
    upload = SimpleUploadedFile("units.xlsx", _book(importer.HEADERS, UNITS))
    response = client.post("/orgs/import/", {"file": upload})
    job, page = _finished_job(client, response, user)
    assert job.result["ok"] and job.result["created"] == 1
    assert OrgUnit.objects.filter(code="430421102000").exists()
    assert "导入完成" in page or "Import finished" in page


def test_a_large_ledger_file_is_imported_by_a_job_with_progress(world, login, company, monkeypatch):
    _large(monkeypatch)
    user = world.users["station_a"]
    client = login(user)
    upload = SimpleUploadedFile("ledger.xlsx", _ledger(LEDGER))
    response = client.post("/precursors/import/", {"enterprise": company.pk, "file": upload})
    job, _ = _finished_job(client, response, user)
    assert job.result["ok"] and job.result["created"] == 1
    assert LedgerEntry.objects.filter(enterprise=company).count() == 1


def test_a_large_qingjiao_file_is_imported_by_a_job_with_progress(
    world, login, school, monkeypatch
):
    _large(monkeypatch)
    user = world.users["member"]
    client = login(user)
    upload = SimpleUploadedFile("qj.xlsx", _book(prevention.QINGJIAO_COLUMNS, QINGJIAO))
    response = client.post(
        "/prevention/qingjiao/import/", {"school_year": "2019-2020", "file": upload}
    )
    job, _ = _finished_job(client, response, user)
    assert job.result == {**job.result, "ok": True, "imported": 1}
    assert QingjiaoFigures.objects.filter(school=school).exists()


def test_a_small_file_is_still_imported_while_the_user_waits(world, login):
    client = login(world.users["office_admin"])
    upload = SimpleUploadedFile("units.xlsx", _book(importer.HEADERS, UNITS))
    response = client.post("/orgs/import/", {"file": upload})
    assert response.status_code == 302 and "/jobs/" not in response["Location"]
    assert not BackgroundJob.objects.exists()


def _refused_events(label):
    return AuditEvent.objects.filter(action=AuditAction.REFUSED, model=label)


def test_blank_rows_count_toward_the_budget_of_the_organisation_import(world, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS_READ", 50)
    content = _book(importer.HEADERS, UNITS, blank_at=400)
    report = importer.import_units(world.users["office_admin"], io.BytesIO(content))
    assert not report.ok and "空行" in report.errors[0].message
    assert not OrgUnit.objects.filter(code="430421102000").exists()
    assert _refused_events("orgs.OrgUnit").count() == 1


def test_blank_rows_count_toward_the_budget_of_the_ledger_import(world, company, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS_READ", 50)
    report = ledger_import.import_ledger(
        world.users["station_a"], company, io.BytesIO(_ledger(LEDGER, blank_at=400))
    )
    assert not report.finished and "空行" in report.errors[0].message
    assert not LedgerEntry.objects.exists()
    assert _refused_events("precursors.LedgerEntry").count() == 1


def test_blank_rows_count_toward_the_budget_of_the_qingjiao_import(world, school, monkeypatch):
    from jindu.core.errors import Refused

    monkeypatch.setattr(xlsx, "MAX_ROWS_READ", 50)
    upload = io.BytesIO(_book(prevention.QINGJIAO_COLUMNS, QINGJIAO, blank_at=400))
    with pytest.raises(Refused) as refused:
        prevention.import_qingjiao(world.users["member"], upload, "2019-2020")
    assert refused.value.field == "file" and "空行" in str(refused.value.message)
    assert not QingjiaoFigures.objects.exists()
    assert _refused_events("prevention.QingjiaoFigures").count() == 1


@pytest.mark.parametrize("which", ["orgs", "ledger", "qingjiao"])
def test_a_workbook_too_large_unpacked_is_refused_before_it_is_read(
    world, company, school, monkeypatch, which
):
    from jindu.core.errors import Refused

    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 10)
    monkeypatch.setattr(
        xlsx, "load_workbook", lambda *a, **k: pytest.fail("the workbook was opened")
    )
    if which == "orgs":
        report = importer.import_units(
            world.users["office_admin"], io.BytesIO(_book(importer.HEADERS, UNITS))
        )
        message = report.errors[0].message
    elif which == "ledger":
        report = ledger_import.import_ledger(
            world.users["station_a"], company, io.BytesIO(_ledger(LEDGER))
        )
        message = report.errors[0].message
    else:
        with pytest.raises(Refused) as refused:
            prevention.import_qingjiao(
                world.users["member"],
                io.BytesIO(_book(prevention.QINGJIAO_COLUMNS, QINGJIAO)),
                "2019-2020",
            )
        message = refused.value.message
    assert "解压" in str(message)
