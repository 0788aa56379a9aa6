"""Importing the organisation from the county's Excel template: all or nothing, repeatable."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from jindu.audit.models import AuditAction, AuditEvent
from jindu.orgs import importer
from jindu.orgs.models import OrgUnit

HEADERS = ["编码", "名称", "类型", "上级编码", "地址", "电话"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A new township under the world's county, with a village, a community, a grid, a member
# unit and a police station: parents come on earlier rows or are already in the database.
CLEAN_ROWS = [
    ["430421102000", "丙镇", "乡镇", "430421000000", "丙镇人民政府", "0734-5550001"],
    ["430421102201", "丙一村", "村", "430421102000", "", ""],
    ["430421102001", "丙镇社区", "社区", "430421102000", "", ""],
    ["430421102201001", "丙一村第一网格", "网格", "430421102201", "", ""],
    ["430421M03", "县卫健局", "成员单位", "430421000000", "", ""],
    ["430421P03", "丙镇派出所", "police_station", "430421000000", "", 7345550002],
]


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(actor, rows, headers=HEADERS):
    return importer.import_units(actor, io.BytesIO(xlsx(rows, headers)))


def upload(content: bytes, name="units.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_a_clean_file_imports_every_row(world):
    report = run_import(world.users["office_admin"], CLEAN_ROWS)
    assert report.ok, report.errors
    assert report.counts() == {"created": 6, "updated": 0, "unchanged": 0}
    township = OrgUnit.objects.get(code="430421102000")
    assert township.kind == "township" and township.parent == world.county
    assert township.address == "丙镇人民政府" and township.phone == "0734-5550001"
    grid = OrgUnit.objects.get(code="430421102201001")
    village = OrgUnit.objects.get(code="430421102201")
    assert grid.parent == village
    assert grid.path == f"{world.county.path}{township.pk}/{village.pk}/{grid.pk}/"
    assert OrgUnit.objects.get(code="430421102001").kind == "community"
    assert OrgUnit.objects.get(code="430421M03").level == "department"
    station = OrgUnit.objects.get(code="430421P03")
    assert station.kind == "police_station"
    assert station.phone == "7345550002"  # a number typed into Excel becomes text


def test_an_import_is_audited_as_the_importer(world):
    admin = world.users["office_admin"]
    run_import(admin, CLEAN_ROWS)
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, model="orgs.OrgUnit")
    by_admin = created.filter(actor=admin)
    assert by_admin.count() == 6
    assert set(by_admin.values_list("object_repr", flat=True)) == {row[1] for row in CLEAN_ROWS}
    summary = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert summary.changes == {"counts": {"created": 6, "updated": 0, "unchanged": 0}}


def test_reimporting_the_same_file_changes_nothing(world):
    admin = world.users["office_admin"]
    content = xlsx(CLEAN_ROWS)
    importer.import_units(admin, io.BytesIO(content))
    units_before = list(OrgUnit.objects.values_list("pk", "code", "name", "path", "parent"))
    creates_before = AuditEvent.objects.filter(action=AuditAction.CREATE).count()
    updates_before = AuditEvent.objects.filter(action=AuditAction.UPDATE).count()

    report = importer.import_units(admin, io.BytesIO(content))

    assert report.ok, report.errors
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 6}
    assert list(OrgUnit.objects.values_list("pk", "code", "name", "path", "parent")) == (
        units_before
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE).count() == creates_before
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == updates_before


def test_a_changed_name_or_address_updates_the_existing_unit(world):
    admin = world.users["office_admin"]
    run_import(admin, CLEAN_ROWS)
    changed = [list(row) for row in CLEAN_ROWS]
    changed[1][1] = "丙一村（更名）"
    report = run_import(admin, changed)
    assert report.counts() == {"created": 0, "updated": 1, "unchanged": 5}
    unit = OrgUnit.objects.get(code="430421102201")
    assert unit.name == "丙一村（更名）"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(unit.pk))
    assert event.changes == {"name": ["丙一村", "丙一村（更名）"]}


def test_rows_for_units_already_in_the_system_count_as_unchanged(world):
    rows = [
        ["430421100000", "甲镇", "乡镇", "430421000000", "", ""],
        ["430421100201", "甲一村", "村", "430421100000", "", ""],
        ["430421100201003", "甲一村第三网格", "网格", "430421100201", "", ""],
    ]
    report = run_import(world.users["office_admin"], rows)
    assert report.counts() == {"created": 1, "updated": 0, "unchanged": 2}
    assert OrgUnit.objects.get(code="430421100201003").parent == world.village_a


BAD_ROWS = [
    pytest.param(["430421102999", "错编码镇", "乡镇", "430421000000", "", ""], id="bad-code"),
    pytest.param(["430421103000", "未知类型", "街道", "430421000000", "", ""], id="unknown-kind"),
    pytest.param(["430421103201", "孤村", "村", "430421103000", "", ""], id="missing-parent"),
    pytest.param(["430421102000", "重复镇", "乡镇", "430421000000", "", ""], id="duplicate-code"),
    pytest.param(["430421100201", "甲一村", "村", "430421101000", "", ""], id="exists-elsewhere"),
    pytest.param(["430421102202", "县直村", "村", "430421000000", "", ""], id="wrong-parent"),
    pytest.param(["", "无编码", "村", "430421102000", "", ""], id="empty-code"),
]


@pytest.mark.parametrize("bad_row", BAD_ROWS)
def test_one_bad_row_imports_nothing_and_is_reported_with_its_row_number(world, bad_row):
    rows = [*CLEAN_ROWS[:3], bad_row, *CLEAN_ROWS[3:]]
    count_before = OrgUnit.objects.count()
    events_before = AuditEvent.objects.count()

    report = run_import(world.users["office_admin"], rows)

    assert not report.ok
    assert [e.row for e in report.errors] == [5]  # header is row 1, the bad row is the 4th
    assert report.errors[0].message
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 0}
    assert OrgUnit.objects.count() == count_before
    # Nothing but the refusal itself is recorded (issue 16, item 4): counts, no content.
    new_events = AuditEvent.objects.order_by("pk")[events_before:]
    assert [(e.action, e.model) for e in new_events] == [("refused", "orgs.OrgUnit")]


def test_every_bad_row_in_a_file_is_reported_at_once(world):
    rows = [
        CLEAN_ROWS[0],
        ["430421103201", "错编码村", "村", "430421102000", "", ""],  # row 3: bad code
        ["430421102202", "未知类型", "村委", "430421102000", "", ""],  # row 4: unknown kind
        ["430421109201", "孤村", "村", "430421109000", "", ""],  # row 5: missing parent
        ["430421102000", "重复镇", "乡镇", "430421000000", "", ""],  # row 6: duplicate
        CLEAN_ROWS[1],
    ]
    report = run_import(world.users["office_admin"], rows)
    assert sorted(e.row for e in report.errors) == [3, 4, 5, 6]
    assert not OrgUnit.objects.filter(code__in=["430421102000", "430421102201"]).exists()


def test_blank_rows_are_skipped(world):
    rows = [CLEAN_ROWS[0], [None] * 6, CLEAN_ROWS[1]]
    report = run_import(world.users["office_admin"], rows)
    assert report.ok, report.errors
    assert report.created == 2


def test_a_file_with_other_headers_is_refused_on_row_one(world):
    report = run_import(
        world.users["office_admin"], CLEAN_ROWS, headers=["code", "name", "kind", "parent"]
    )
    assert [e.row for e in report.errors] == [1]
    assert "编码" in report.errors[0].message
    assert not OrgUnit.objects.filter(code="430421102000").exists()


def test_a_file_without_data_rows_is_refused(world):
    report = run_import(world.users["office_admin"], [])
    assert not report.ok
    assert report.created == 0


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xe7\xbc\x96\xe7\xa0\x81,name\n430421102000,x\n", id="csv-bytes"),
        pytest.param(b"", id="empty-file"),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken-zip"),
    ],
)
def test_a_file_that_is_not_xlsx_gets_a_clear_error(world, content):
    report = importer.import_units(world.users["office_admin"], io.BytesIO(content))
    assert not report.ok
    assert [e.row for e in report.errors] == [0]
    assert "xlsx" in report.errors[0].message.lower()


# --- through the web -----------------------------------------------------------------------


def test_office_admin_imports_a_file_through_the_web(world, client):
    client.force_login(world.users["office_admin"])
    response = client.post("/orgs/import/", {"file": upload(xlsx(CLEAN_ROWS))})
    assert response.status_code == 302
    assert response.url == "/orgs/"
    assert OrgUnit.objects.filter(code__startswith="430421102").count() == 4
    page = client.get(response.url).content.decode()
    assert "导入完成：新建 6 个，更新 0 个，未变 0 个。" in page
    again = client.post("/orgs/import/", {"file": upload(xlsx(CLEAN_ROWS))}, follow=True)
    assert "导入完成：新建 0 个，更新 0 个，未变 6 个。" in again.content.decode()


def test_a_bad_file_through_the_web_lists_each_bad_row_and_imports_nothing(world, client):
    client.force_login(world.users["office_admin"])
    rows = [*CLEAN_ROWS[:2], ["430421103201", "错编码村", "村", "430421102000", "", ""]]
    response = client.post("/orgs/import/", {"file": upload(xlsx(rows))})
    assert response.status_code == 200
    report = response.context["report"]
    assert [e.row for e in report.errors] == [4]
    page = response.content.decode()
    assert "<td>4</td>" in page
    assert str(report.errors[0].message) in page
    assert not OrgUnit.objects.filter(code="430421102000").exists()


def test_a_non_xlsx_upload_through_the_web_is_refused_on_the_file_field(world, client):
    client.force_login(world.users["office_admin"])
    response = client.post(
        "/orgs/import/",
        {"file": SimpleUploadedFile("units.csv", b"a,b\n", content_type="text/csv")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["请上传按模板填写的 .xlsx 文件。"]
    response = client.post("/orgs/import/", {"file": upload(b"not a workbook")})
    assert response.status_code == 200
    assert "无法读取该文件，请确认是 Excel（.xlsx）工作簿。" in response.content.decode()


def test_the_template_download_is_a_workbook_whose_first_row_is_the_headers(world, client):
    client.force_login(world.users["office_admin"])
    response = client.get("/orgs/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    first_row = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(first_row[:6]) == HEADERS


def test_the_template_examples_import_into_a_county_with_that_code(db):
    from jindu.accounts import services as accounts
    from jindu.orgs import services as orgs

    orgs.create_unit(None, code="430421000000", name="测试县", kind="county")
    admin = accounts.create_user(
        None, username="admin", password="Test-password-2026", role="office_admin"
    )
    report = importer.import_units(admin, io.BytesIO(importer.template_workbook()))
    assert report.ok, report.errors
    assert report.counts() == {"created": 3, "updated": 0, "unchanged": 0}


@pytest.mark.parametrize("persona", ["township_a", "leader", "station_a"])
def test_other_roles_may_not_import(world, client, persona):
    client.force_login(world.users[persona])
    assert client.get("/orgs/import/").status_code == 403
    response = client.post("/orgs/import/", {"file": upload(xlsx(CLEAN_ROWS))})
    assert response.status_code == 403
    assert client.get("/orgs/import/template.xlsx").status_code == 403
    assert not OrgUnit.objects.filter(code="430421102000").exists()
