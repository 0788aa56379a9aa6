"""A clerk's day (#17): pickers, tree, notifications, readable audit, exports, error pages,
forms that refuse what is wrong, imports that report everything."""

import datetime
import io

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from jindu.audit.models import AuditAction, AuditEvent
from jindu.core.search import search_key
from jindu.supervision import notifications
from jindu.supervision.models import Notification

D = datetime.date


@pytest.mark.parametrize(
    ("text", "key"), [("衡阳县", "hyx"), ("西渡镇", "xdz"), ("张三", "zs"), ("Grid 3", "grid3")]
)
def test_the_search_key_is_the_pinyin_initials(text, key):
    assert search_key(text) == key


def test_pickers_find_by_initials_and_code_within_the_users_scope(world, login):
    client = login(world.users["township_a"])
    found = client.get("/pick/units/?q=jyc").json()["results"]  # 甲一村 and its grids
    assert found[0]["text"] == "甲一村" and all(r["text"].startswith("甲一村") for r in found)
    by_code = client.get(f"/pick/units/?q={world.village_a.code}").json()["results"]
    assert by_code[0]["value"] == str(world.village_a.pk)  # then its grids (their codes)
    assert all(world.village_a.code in r["detail"] for r in by_code)
    # Township B's units are outside township A's jurisdiction: never offered.
    assert client.get("/pick/units/?q=乙").json()["results"] == []
    assert client.get("/pick/nothing/").status_code == 404
    positions = client.get("/pick/positions/").json()["results"]
    assert positions and all("乙" not in r["detail"] for r in positions)


def test_a_form_carries_only_the_chosen_unit_not_the_whole_list(world, login):
    client = login(world.users["office_admin"])
    page = client.get("/rectification/decide/").content.decode()
    assert 'data-picker="/pick/units/' in page
    assert "乙乡</option>" not in page  # the list is asked for as the clerk types


def test_the_tree_shows_counts_and_leaders_and_picks_for_a_filter(world, login):
    client = login(world.users["office_admin"])
    top = client.get("/orgs/tree/").content.decode()
    assert "测试县" in top
    branch = client.get(
        f"/orgs/tree/{world.county.pk}/?pick=/control/persons/%3Fstatus%3Din_society&field=unit"
    ).content.decode()
    assert "甲镇" in branch and "乙乡" in branch
    assert world.position_a.holder_name in branch
    assert f"/control/persons/?status=in_society&amp;unit={world.township_a.pk}" in branch
    # An address outside the site is not followed.
    outside = client.get("/orgs/tree/?pick=https://example.com/&field=unit").content.decode()
    assert "pick-unit" not in outside and "不选择，返回" not in outside
    township = login(world.users["township_a"]).get("/orgs/tree/").content.decode()
    assert "甲镇" in township and "测试县" not in township


def test_mail_is_batched_one_per_hour_per_kind(world):
    user = world.users["township_a"]
    user.email = "a@example.org"
    user.save(update_fields=["email"])
    with pytest.MonkeyPatch.context():
        notifications.notify([user], kind="reminder", key="k1", text="一")
        notifications.send_pending(user_ids=[user.pk])
        notifications.notify([user], kind="reminder", key="k2", text="二")
        notifications.notify([user], kind="reminder", key="k3", text="三")
        notifications.send_pending(user_ids=[user.pk])
    assert len(mail.outbox) == 1  # the second and third wait for the hour
    assert notifications.notify([user], kind="reminder", key="k1", text="一") == 0  # once
    later = timezone.now() + datetime.timedelta(hours=1, minutes=1)
    assert notifications.send_pending(now=later) == 1
    assert len(mail.outbox) == 2 and "二" in mail.outbox[1].body and "三" in mail.outbox[1].body
    assert Notification.objects.filter(user=user, emailed=False).count() == 0


def test_a_new_relapse_report_reaches_the_covering_station(world):
    from jindu.control.services import relapse

    relapse.submit_relapse_report(
        world.users["grid_a"],
        subject="某男子",
        place="村口",
        observed_on=timezone.localdate(),
        observation="深夜聚集",
    )
    station = Notification.objects.filter(user=world.users["station_a"], kind="relapse_report")
    assert station.count() == 1
    assert not Notification.objects.filter(user=world.users["township_b"]).exists()


def test_notifications_are_marked_read_one_by_one_or_all(world, login):
    user = world.users["township_a"]
    for key in ("a", "b", "c"):
        notifications.notify([user], key=key, text=f"通知{key}", url="/")
    first = Notification.objects.filter(user=user).order_by("pk").first()
    client = login(user)
    client.post("/supervision/notifications/", {"id": first.pk})
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 2
    client.post("/supervision/notifications/")
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 0


def test_an_export_has_a_title_row_a_frozen_header_widths_and_dates(world, login):
    from jindu.control.tests import factories

    factories.person(world, name="王导出")
    client = login(world.users["office_admin"])
    response = client.get("/control/persons/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "吸毒人员名单" in sheet["A1"].value
    assert "导出人" in sheet["A2"].value
    assert sheet.freeze_panes == "A4"
    assert sheet["A3"].value == "姓名"
    assert sheet.column_dimensions["A"].width >= 8
    found = [c for c in sheet[4] if isinstance(c.value, datetime.datetime)]
    assert found and found[0].number_format == "yyyy-mm-dd"
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("at")
    assert event.changes["rows"] == 1 and "吸毒人员名单" in event.changes["title"]


def test_the_audit_trail_reads_in_words_and_reports_a_bad_filter(world, login):
    client = login(world.users["office_admin"])
    page = client.get("/audit/?model=orgs.OrgUnit").content.decode()
    assert "名称" in page and "乡镇" in page  # the field's label, the kind's label
    bad = client.get("/audit/?date_from=2026-05-01&date_to=2026-04-01").content.decode()
    assert "筛选条件有误" in bad and "结束日期早于开始日期" in bad
    unknown = client.get("/audit/?model=no.Such").content.decode()
    assert "筛选条件有误" in unknown


@override_settings(DEBUG=True)
def test_a_wrong_address_shows_the_products_404_even_with_debug_on(world, login):
    client = login(world.users["township_a"])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body or "未找到" in body
    assert "Using the URLconf" not in body


def test_a_urine_test_needs_a_result_and_a_date_before_the_finding_is_confirmed(world, login):
    from jindu.control.tests import factories

    person = factories.person(world)
    client = login(world.users["township_a"])
    client.post(f"/control/persons/{person.pk}/", {"reason": "control_work", "note": ""})
    url = f"/control/persons/{person.pk}/test/"
    untouched = client.post(url, {"kind": "urine", "date": "2024-01-10"})
    assert person.tests.count() == 0
    assert "result" in untouched.context["form"].errors
    early = client.post(url, {"kind": "urine", "date": "2019-01-10", "result": "negative"})
    assert person.tests.count() == 0
    assert "confirm_before_finding" in early.context["form"].errors
    client.post(
        url,
        {
            "kind": "urine",
            "date": "2019-01-10",
            "result": "negative",
            "confirm_before_finding": "on",
        },
    )
    assert person.tests.count() == 1


def test_the_roster_reports_every_problem_of_a_row(world):
    from jindu.control.roster import importer as roster

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(roster.HEADERS)
    values = {
        "姓名": "李" * 60,
        "性别": "男",
        "公民身份号码": "12345",
        "现居住地编码": world.village_a.code,
        "联系电话": "12",
        "吸毒种类": "可乐",
        "初次发现日期": "去年",
    }
    sheet.append([values.get(h) for h in roster.HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = roster.import_roster(world.users["township_a"], buffer)
    assert [e.row for e in report.errors] == [2]
    message = report.errors[0].message
    for column in ("姓名", "公民身份号码", "联系电话", "吸毒种类", "初次发现日期"):
        assert column in message


def test_a_roster_import_runs_as_a_job_with_a_result_page(world, login):
    from jindu.control.web import roster as page
    from jindu.core.models import BackgroundJob

    workbook = Workbook()
    workbook.active.append(["姓名"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "名册.xlsx"
    client = login(world.users["township_a"])
    response = client.post(
        "/control/roster/import/", {"file": buffer, "mode": page.ALL, "background": "1"}
    )
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "done"  # the embedded task backend runs it at once
    result = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "<progress" in result and 'data-status="done"' in result
    assert "名册模板" in result  # the file's problem, reported on the result page
    assert login(world.users["township_b"]).get(f"/jobs/{job.pk}/").status_code == 404


def test_api_tokens_only_for_accounts_that_integrate(world, api_client, login):
    from conftest import PASSWORD

    refused = api_client.post(
        "/api/v1/auth/token/", {"username": "township_b", "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 403
    assert "API" in refused.json()["detail"]
    page = login(world.users["township_b"]).get("/accounts/profile/").content.decode()
    assert "token_renew" not in page and "/accounts/profile/token/" not in page
    assert login(world.users["township_b"]).post("/accounts/profile/token/").status_code == 403


def test_stations_see_no_monthly_report_button_and_grid_workers_start_with_a_clue(world, login):
    todo = login(world.users["station_a"]).get("/supervision/todo/").content.decode()
    assert "/supervision/reports/edit/" not in todo
    home = login(world.users["grid_a"]).get("/").content.decode()
    assert home.index("/control/relapse/new/") < home.index("footer")


def test_a_home_action_without_sub_items_lists_none(world, login):
    """The template's ``a.items`` on a plain dict is the dict's own items: the grid worker's
    "report a clue" showed links named label, url and primary (to /报告线索 and /True)."""
    home = login(world.users["grid_a"]).get("/").content.decode()
    section = home[home.index('class="home-actions"') : home.index("</section>")]
    assert 'href="True"' not in section and ">label</a>" not in section
    assert 'href="/control/relapse/new/"' in section


def test_every_record_type_of_the_audit_filter_is_named_in_chinese():
    """The filter listed "condition finding" and "password history" (models without a
    verbose name: Django's English default)."""
    from django.utils import translation

    from jindu.audit.presenters import record_types

    with translation.override("zh-hans"):
        english = [
            (label, name)
            for label, name in record_types()
            if not any("\u4e00" <= ch <= "\u9fff" for ch in name)
        ]
    assert english == []


def test_the_roster_reports_an_unknown_gender_with_the_rows_other_problems(world):
    """An unknown gender was left to the service, which a row with other problems never
    reaches: the report said nothing about it."""
    from jindu.control.roster import importer as roster

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(roster.HEADERS)
    values = {"姓名": "李四", "性别": "未知", "公民身份号码": "12345", "初次发现日期": "去年"}
    sheet.append([values.get(h) for h in roster.HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = roster.import_roster(world.users["township_a"], buffer)
    message = report.errors[0].message
    assert "性别：请选择男或女" in message
