"""The Excel roster import and its template (fictional people only)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from jindu.audit.models import AuditAction, AuditEvent
from jindu.control import crypto
from jindu.control.models import Finding, Person, RiskAssessment, StatusChange
from jindu.control.roster import importer as roster
from jindu.control.roster import template
from jindu.control.services import registry
from jindu.control.tests import factories
from jindu.core.errors import NotAllowed

D = datetime.date


def row(world, **values):
    """A good row for village A (as the template's columns, by title)."""
    data = {
        "姓名": "李测试",
        "性别": "男",
        "公民身份号码": factories.id_number(),
        "户籍地址": "测试省测试县甲镇甲一村1号",
        "现居住地编码": world.village_a.code,
        "联系电话": "13900001111",
        "吸毒种类": "冰毒、海洛因",
        "初次发现日期": "2020-05-01",
        "备注": "",
    }
    data.update(values)
    return data


def xlsx(rows, headers=None, *, example=False) -> io.BytesIO:
    headers = headers or roster.HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    if example:
        sheet.append(["示例：王某某"] + [""] * (len(headers) - 1))
    for values in rows:
        sheet.append([values.get(title) for title in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def messages(report):
    return {e.row: e.message for e in report.errors}


# ---------------------------------------------------------------- the template


def test_the_template_has_the_headers_hints_lists_and_explanations(world):
    workbook = load_workbook(io.BytesIO(template.template_bytes()))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == roster.HEADERS
    assert str(sheet["A2"].value).startswith(roster.EXAMPLE_MARK)
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"男,女"' in formulas
    assert any("冰毒" in f and "海洛因" in f for f in formulas if f)
    assert '"低,中,高"' in formulas
    notes = workbook["说明"]
    text = " ".join(str(c.value) for r in notes.iter_rows() for c in r if c.value)
    for title in roster.HEADERS:
        assert title in text
    for name in ("海洛因", "冰毒", "K粉", "麻古", "神仙水", "摇头丸", "大麻", "新精神活性物质"):
        assert name in text


def test_the_filled_template_imports_cleanly(world):
    workbook = load_workbook(io.BytesIO(template.template_bytes()))
    sheet = workbook.worksheets[0]
    good = row(world, 初次发现日期=D(2021, 3, 4), 风险等级="高")
    sheet.append([good.get(title) for title in roster.HEADERS])
    woman = row(
        world,
        姓名="周测试",
        性别="女",
        公民身份号码=factories.id_number(D(1985, 6, 7), male=False),
        现居住地编码=world.grid_a.code,
        吸毒种类="ketamine",
        初次发现日期="2019年7月8日",
    )
    sheet.append([woman.get(title) for title in roster.HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)

    report = roster.import_roster(world.users["township_a"], buffer)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.imported
    li = Person.objects.get(id_hash=crypto.lookup_hash(good["公民身份号码"]))
    assert li.residence_unit == world.village_a
    assert li.drug_types == ["methamphetamine", "heroin"]
    assert li.first_found_date == D(2021, 3, 4)
    assert li.risk_level == "high"
    assert li.risk_assessments.get().level == "high"
    assert li.id_masked == crypto.mask_id_number(good["公民身份号码"])
    assert li.phone_masked == "139****1111"
    zhou = Person.objects.get(name="周测试")
    assert (zhou.gender, zhou.residence_unit, zhou.drug_types) == (
        "female",
        world.grid_a,
        ["ketamine"],
    )
    assert zhou.first_found_date == D(2019, 7, 8)
    assert zhou.birth_date == D(1985, 6, 7)


# ---------------------------------------------------------------- equal to a registration


def test_imported_rows_equal_registered_rows_field_by_field(world):
    actor = world.users["township_a"]
    registered = registry.register_person(
        actor,
        name="吴测试",
        gender="male",
        id_number=factories.id_number(D(1988, 2, 3)),
        residence_unit=world.village_a,
        first_found_date=D(2018, 9, 10),
        household_address="测试县甲镇2号",
        phone="13712345678",
        drug_types=["heroin", "mdma"],
        notes="自愿戒毒",
    )
    number = factories.id_number(D(1988, 2, 3))
    report = roster.import_roster(
        actor,
        xlsx(
            [
                row(
                    world,
                    姓名="吴测试",
                    公民身份号码=number,
                    户籍地址="测试县甲镇2号",
                    联系电话="137-1234-5678",
                    吸毒种类="海洛因,摇头丸",
                    初次发现日期="2018/09/10",
                    备注="自愿戒毒",
                )
            ]
        ),
    )
    assert report.ok, report.errors
    imported = Person.objects.get(id_hash=crypto.lookup_hash(number))

    skip = {"id", "created_at", "updated_at"}
    differing = {"id_number_encrypted", "id_hash", "id_masked", "phone_encrypted"}
    for f in Person._meta.concrete_fields:
        if f.name in skip or f.name in differing:
            continue
        assert getattr(imported, f.attname) == getattr(registered, f.attname), f.name
    # The numbers differ only because the fictional identity numbers do.
    assert imported.id_number == number
    assert imported.phone == registered.phone == "13712345678"
    assert imported.phone_hash == registered.phone_hash

    def records(model, person):
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in ("id", "created_at", "person")
        ]
        return list(model.objects.filter(person=person).values_list(*fields))

    for model in (StatusChange, Finding, RiskAssessment):
        assert records(model, imported) == records(model, registered), model.__name__
    assert records(StatusChange, imported)  # one each, really there


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("values", "column", "expected"),
    [
        ({"姓名": ""}, "姓名", "Enter the name."),
        ({"性别": "未知"}, "性别", "Choose male or female."),
        (
            {"公民身份号码": "43042119900101123"},
            "公民身份号码",
            "An identity number has 17 digits followed by a digit or X.",
        ),
        (
            {"公民身份号码": "430421199001011230"},
            "公民身份号码",
            "The check digit of the identity number is wrong.",
        ),
        (
            {"公民身份号码": "430421199002301235"},
            "公民身份号码",
            "The birth date in the identity number is not a real date.",
        ),
        (
            {"性别": "女"},
            "公民身份号码",
            "The identity number belongs to a person of the other sex.",
        ),
        ({"吸毒种类": "冰毒、可乐"}, "吸毒种类", "可乐"),
        ({"初次发现日期": "去年春天"}, "初次发现日期", "去年春天"),
        ({"初次发现日期": "2020-02-30"}, "初次发现日期", "2020-02-30"),
        ({"初次发现日期": "2999-01-01"}, "初次发现日期", "The date cannot be in the future."),
        ({"联系电话": "12345"}, "联系电话", "Enter a phone number of 7 to 15 digits."),
        ({"现居住地编码": "430421999999"}, "现居住地编码", "430421999999"),
        ({"风险等级": "很高"}, "风险等级", "Write 低, 中 or 高, or leave it empty."),
    ],
)
def test_each_rule_names_the_row_and_column(world, values, column, expected):
    rows = [row(world), row(world), row(world, **values)]
    report = roster.import_roster(world.users["township_a"], xlsx(rows))
    assert [e.row for e in report.errors] == [4]
    message = report.errors[0].message
    assert message.startswith(_("%(column)s: %(problem)s") % {"column": column, "problem": ""})
    assert _(expected) in message
    assert not Person.objects.exists()
    assert not report.imported


def test_a_township_code_is_not_a_residence(world):
    report = roster.import_roster(
        world.users["township_a"], xlsx([row(world, 现居住地编码=world.township_a.code)])
    )
    assert _("A person lives in a village, community or grid.") in report.errors[0].message


def test_wrong_headers_give_one_clear_message(world):
    report = roster.import_roster(
        world.users["township_a"], xlsx([row(world)], headers=["编码", "名称", "类型"])
    )
    assert len(report.errors) == 1
    assert report.errors[0].row == 1
    assert "公民身份号码" in report.errors[0].message


def test_a_file_that_is_not_a_workbook(world):
    report = roster.import_roster(world.users["township_a"], io.BytesIO(b"not excel"))
    assert [e.row for e in report.errors] == [0]
    assert not Person.objects.exists()


def test_a_duplicate_in_the_file_names_the_first_row(world):
    number = factories.id_number()
    rows = [row(world, 公民身份号码=number), row(world), row(world, 公民身份号码=number)]
    report = roster.import_roster(world.users["township_a"], xlsx(rows))
    assert [e.row for e in report.errors] == [4]
    assert _("The same identity number is already on row %(row)d.") % {"row": 2} in (
        report.errors[0].message
    )


def test_units_by_unique_name_and_phones_typed_as_numbers(world):
    report = roster.import_roster(
        world.users["township_a"],
        xlsx([row(world, 现居住地编码="甲一村第二网格", 联系电话=13900001111)]),
    )
    assert report.ok, report.errors
    person = Person.objects.get()
    assert person.residence_unit == world.grid_a2
    assert person.phone_hash == crypto.lookup_hash("13900001111")


def test_an_identity_number_typed_as_a_number_lost_its_digits(world):
    # Excel (and openpyxl) keep 15 significant digits of a number: the last ones are gone.
    number = factories.id_number(D(1991, 4, 5))
    while not number.isdigit():
        number = factories.id_number(D(1991, 4, 5))
    report = roster.import_roster(
        world.users["township_a"], xlsx([row(world, 公民身份号码=int(number))])
    )
    assert [e.row for e in report.errors] == [2]
    assert _("format the column as text") in report.errors[0].message or (
        "文本" in report.errors[0].message
    )


def test_a_unit_name_shared_by_two_units_needs_the_code(world):
    from jindu.orgs import services as orgs

    orgs.create_unit(
        None, code="430421100202", name="甲一村第二网格", kind="village", parent=world.township_a
    )
    report = roster.import_roster(
        world.users["township_a"], xlsx([row(world, 现居住地编码="甲一村第二网格")])
    )
    assert [e.row for e in report.errors] == [2]
    assert "甲一村第二网格" in report.errors[0].message
    assert not Person.objects.exists()


# ---------------------------------------------------------------- all or nothing, good rows


def test_one_bad_row_stops_the_whole_file(world):
    rows = [row(world) for _i in range(5)] + [row(world, 性别="")]
    audits = AuditEvent.objects.count()
    report = roster.import_roster(world.users["township_a"], xlsx(rows))
    assert not report.ok and not report.imported
    assert [e.row for e in report.errors] == [7]
    assert report.created == 0
    assert not Person.objects.exists() and not StatusChange.objects.exists()
    # Only the refusal itself is recorded (counts, no personal data).
    refused = AuditEvent.objects.order_by("-id")[:1].get()
    assert AuditEvent.objects.count() == audits + 1
    assert refused.action == AuditAction.REFUSED and refused.changes["bad_rows"] == 1


def test_good_rows_only_writes_the_good_and_reports_the_bad(world):
    rows = [row(world), row(world, 姓名=""), row(world), row(world, 联系电话="abc")]
    report = roster.import_roster(world.users["township_a"], xlsx(rows), good_rows_only=True)
    assert [e.row for e in report.errors] == [3, 5]
    assert report.created == 2 and report.imported
    assert Person.objects.count() == 2
    assert StatusChange.objects.count() == Finding.objects.count() == 2


def test_errors_are_capped_but_counted(world, monkeypatch):
    monkeypatch.setattr(roster, "MAX_ERRORS", 3)
    rows = [row(world, 姓名="") for _i in range(7)]
    report = roster.import_roster(world.users["township_a"], xlsx(rows))
    assert len(report.errors) == 3
    assert report.error_count == 7 and report.more_errors == 4


def test_the_refusal_counts_rows_not_problems(world):
    """A row with two problems is one bad row: the headline says rows (行), as the table
    under it lists one line per row."""
    from django.template.loader import render_to_string
    from django.utils import translation

    rows = [row(world), row(world, 姓名="", 性别=""), row(world, 联系电话="abc")]
    report = roster.import_roster(world.users["township_a"], xlsx(rows))
    assert report.error_count == len(report.errors) == 2
    with translation.override("zh-hans"):
        page = render_to_string("control/roster_result.html", {"report": report.as_json()})
    assert "文件中有 2 行有错误，未导入任何数据。" in page


# ---------------------------------------------------------------- idempotence and updates


def test_the_same_file_twice_changes_nothing(world):
    actor = world.users["township_a"]
    rows = [row(world, 风险等级="中"), row(world), row(world, 现居住地编码=world.grid_a.code)]
    first = roster.import_roster(actor, xlsx(rows))
    assert first.created == 3
    counts = [m.objects.count() for m in (Person, StatusChange, Finding, RiskAssessment)]
    audits = AuditEvent.objects.count()

    second = roster.import_roster(actor, xlsx(rows))

    assert second.ok
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert not second.imported
    assert [m.objects.count() for m in (Person, StatusChange, Finding, RiskAssessment)] == counts
    new_audits = AuditEvent.objects.order_by("id")[audits:]
    assert [(a.action, a.model) for a in new_audits] == [(AuditAction.IMPORT, "control.Person")]
    assert new_audits[0].changes["counts"] == {"created": 0, "updated": 0, "unchanged": 3}


def test_one_summary_audit_event_per_import_and_no_personal_data_in_it(world):
    rows = [row(world) for _i in range(4)]
    audits = AuditEvent.objects.count()
    roster.import_roster(world.users["township_a"], xlsx(rows))
    events = list(AuditEvent.objects.order_by("id")[audits:])
    assert len(events) == 1
    event = events[0]
    assert event.action == AuditAction.IMPORT and event.actor == world.users["township_a"]
    assert event.changes["counts"]["created"] == 4
    assert rows[0]["公民身份号码"] not in str(event.changes)


def test_an_existing_person_is_updated(world):
    actor = world.users["township_a"]
    person = factories.person(world, drug_types=["heroin"], household_address="旧地址")
    number = person.id_number
    report = roster.import_roster(
        actor,
        xlsx(
            [
                row(
                    world,
                    姓名="张测试新",
                    公民身份号码=number,
                    户籍地址="新地址",
                    现居住地编码=world.grid_a.code,
                    联系电话="13600000000",
                    吸毒种类="冰毒",
                    初次发现日期="2019-05-01",
                    风险等级="低",
                )
            ]
        ),
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    person.refresh_from_db()
    assert person.name == "张测试新"
    assert person.household_address == "新地址"
    assert person.residence_unit == world.grid_a
    assert person.moves.get().to_unit == world.grid_a
    assert person.phone_hash == crypto.lookup_hash("13600000000")
    assert person.drug_types == ["heroin", "methamphetamine"]
    assert person.risk_level == "low"
    assert Person.objects.count() == 1


def test_blank_cells_do_not_erase_an_existing_person(world):
    person = factories.person(world, household_address="旧地址")
    report = roster.import_roster(
        world.users["township_a"],
        xlsx(
            [
                row(
                    world,
                    姓名=person.name,
                    公民身份号码=person.id_number,
                    户籍地址="",
                    联系电话="",
                    吸毒种类="",
                    初次发现日期="2019-05-01",
                )
            ]
        ),
    )
    assert (report.updated, report.unchanged) == (0, 1)
    person.refresh_from_db()
    assert person.household_address == "旧地址"
    assert person.phone == "13812345678"


# ---------------------------------------------------------------- scope


def test_units_outside_the_area_are_refused_per_row(world):
    rows = [row(world), row(world, 现居住地编码=world.village_b.code)]
    report = roster.import_roster(world.users["township_a"], xlsx(rows), good_rows_only=True)
    assert [e.row for e in report.errors] == [3]
    assert _("%(unit)s is not within your area.") % {"unit": world.village_b.name} in (
        report.errors[0].message
    )
    assert report.created == 1


def test_a_person_registered_in_another_area_is_referred_not_named(world):
    other = factories.person(world, world.users["township_b"], unit=world.village_b)
    rows = [row(world, 公民身份号码=other.id_number), row(world)]
    report = roster.import_roster(world.users["township_a"], xlsx(rows), good_rows_only=True)
    assert report.errors == []  # no row is named: that would confirm the registration
    assert report.referred == [other.id_hash]
    other.refresh_from_db()
    assert other.residence_unit == world.village_b and other.name == "张测试"
    assert report.created == 1


def test_the_police_station_imports_into_the_townships_it_covers(world):
    report = roster.import_roster(
        world.users["station_a"], xlsx([row(world), row(world, 现居住地编码=world.grid_a.code)])
    )
    assert report.ok and report.created == 2


@pytest.mark.parametrize("persona", ["grid_a", "member", "leader"])
def test_roles_that_do_not_register_may_not_import(world, persona):
    with pytest.raises(NotAllowed):
        roster.import_roster(world.users[persona], xlsx([row(world)]))
    assert not Person.objects.exists()


# ---------------------------------------------------------------- the page


def test_the_page_imports_and_reports(world, login):
    client = login(world.users["township_a"])
    url = reverse("control:roster_import")
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("control:roster_template").encode() in page.content

    download = client.get(reverse("control:roster_template"))
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.content)).worksheets[0]["C1"].value == "公民身份号码"

    upload = xlsx([row(world), row(world)])
    upload.name = "roster.xlsx"
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 200
    assert Person.objects.count() == 2
    assert response.context["report"].created == 2
    assert _("Import finished") in response.content.decode()


def test_the_page_lists_bad_rows_and_writes_nothing(world, login):
    client = login(world.users["township_a"])
    upload = xlsx([row(world), row(world, 性别="X")])
    upload.name = "roster.xlsx"
    response = client.post(reverse("control:roster_import"), {"file": upload, "mode": "all"})
    assert response.status_code == 200
    body = response.content.decode()
    assert _("Choose male or female.") in body
    assert ">3</td>" in body
    assert _("Import finished") not in body
    assert not Person.objects.exists()


@pytest.mark.parametrize("persona", ["grid_a", "member", "leader"])
def test_the_page_is_closed_to_other_roles(world, login, persona):
    client = login(world.users[persona])
    assert client.get(reverse("control:roster_import")).status_code == 403
    assert client.get(reverse("control:roster_template")).status_code == 403
    upload = xlsx([row(world)])
    upload.name = "roster.xlsx"
    assert client.post(reverse("control:roster_import"), {"file": upload}).status_code == 403
    assert not Person.objects.exists()


def test_the_page_imports_only_the_good_rows_when_asked(world, login):
    client = login(world.users["station_a"])
    upload = xlsx([row(world), row(world, 初次发现日期="昨天"), row(world)])
    upload.name = "roster.xlsx"
    response = client.post(reverse("control:roster_import"), {"file": upload, "mode": "good"})
    report = response.context["report"]
    assert (report.created, [e.row for e in report.errors]) == (2, [3])
    assert Person.objects.count() == 2
    body = response.content.decode()
    assert "昨天" in body and _("Import finished") in body


def test_the_page_refuses_files_beyond_its_limit(world, login, monkeypatch):
    from jindu.control.web import roster as page

    monkeypatch.setattr(page, "PAGE_MAX_ROWS", 2)
    client = login(world.users["township_a"])
    upload = xlsx([row(world) for _i in range(3)])
    upload.name = "roster.xlsx"
    response = client.post(reverse("control:roster_import"), {"file": upload, "mode": "good"})
    report = response.context["report"]
    assert [e.row for e in report.errors] == [0]
    assert not Person.objects.exists()


def test_a_file_with_only_the_example_row_has_no_data(world):
    report = roster.import_roster(world.users["township_a"], io.BytesIO(template.template_bytes()))
    assert [e.row for e in report.errors] == [0]
    assert _("The file has no data rows.") in report.errors[0].message


def test_a_bad_row_in_a_later_chunk_rolls_back_the_chunks_already_written(world, monkeypatch):
    monkeypatch.setattr(roster, "CHUNK", 2)
    rows = [row(world) for _i in range(5)] + [row(world, 姓名=""), row(world, 性别="")]
    report = roster.import_roster(world.users["township_a"], xlsx(rows))
    assert [e.row for e in report.errors] == [7, 8]
    assert (report.created, report.imported, report.finished) == (0, False, False)
    assert not Person.objects.exists()
    assert not StatusChange.objects.exists() and not Finding.objects.exists()


def test_chunks_write_everything_and_find_duplicates_across_them(world, monkeypatch):
    monkeypatch.setattr(roster, "CHUNK", 2)
    number = factories.id_number()
    rows = [row(world, 公民身份号码=number)] + [row(world) for _i in range(4)]
    rows.append(row(world, 公民身份号码=number))
    report = roster.import_roster(world.users["township_a"], xlsx(rows), good_rows_only=True)
    assert [e.row for e in report.errors] == [7]
    assert report.created == 5 == Person.objects.count() == StatusChange.objects.count()


def test_the_risk_column_may_be_left_out(world):
    report = roster.import_roster(
        world.users["township_a"], xlsx([row(world)], headers=roster.REQUIRED_HEADERS)
    )
    assert report.ok and report.created == 1
    assert Person.objects.get().risk_level == ""


def test_existing_people_are_found_by_keyed_hash_never_decrypted(world, monkeypatch):
    person = factories.person(world)
    rows = [row(world, 姓名=person.name, 公民身份号码=person.id_number, 联系电话="13812345678")]
    rows[0].update(吸毒种类="冰毒", 初次发现日期="2019-05-01", 户籍地址="")

    def refuse(token):
        raise AssertionError("decrypted")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    report = roster.import_roster(world.users["township_a"], xlsx(rows))
    assert (report.unchanged, report.updated) == (1, 0)


def test_the_office_may_import_anywhere(world):
    rows = [row(world), row(world, 现居住地编码=world.grid_b.code)]
    report = roster.import_roster(world.users["office_admin"], xlsx(rows))
    assert report.ok and report.created == 2
