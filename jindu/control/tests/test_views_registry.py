"""The registry pages: the list (scoped, masked, searchable, exportable), registration, the
file opened with a reason, the actions on a file and the office's lists."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from jindu.audit.models import AuditEvent
from jindu.control.models import (
    ControlAssignment,
    ControlOrder,
    FileAccess,
    FollowUp,
    LeaveRequest,
    Person,
    RiskAssessment,
    UrineTest,
)
from jindu.control.policy import control_policy
from jindu.control.services import orders, registry
from jindu.control.tests import factories

D = datetime.date
LIST = reverse("control:person_list")


@pytest.fixture
def people(world):
    a = factories.person(world, name="张甲", phone="13812345678")
    b = factories.person(world, world.users["township_b"], unit=world.village_b, name="李乙")
    return a, b


def names(response) -> str:
    return response.content.decode()


def open_file(client, person, reason="control_work", note=""):
    return client.post(
        reverse("control:person_detail", args=[person.pk]), {"reason": reason, "note": note}
    )


def xlsx_rows(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Below the title row (unit and list) and the line saying who exported it and when.
    assert "导出人" in rows[1][0]
    return rows[2:]


# ---------------------------------------------------------------- list


def test_list_is_scoped_to_the_users_area(world, people, client):
    a, b = people
    for user, sees, hidden in [
        ("township_a", a, b),
        ("township_b", b, a),
        ("station_a", a, b),
    ]:
        client.force_login(world.users[user])
        body = names(client.get(LIST))
        assert sees.name in body, user
        assert hidden.name not in body, user
    client.force_login(world.users["office_admin"])
    body = names(client.get(LIST))
    assert a.name in body and b.name in body


def test_the_list_and_its_export_show_numbers_masked(world, people, client):
    a, _ = people
    client.force_login(world.users["station_a"])
    body = names(client.get(LIST))
    assert a.id_masked in body
    assert a.id_number not in body
    response = client.get(reverse("control:person_export"))
    assert response.status_code == 200
    rows = xlsx_rows(response)
    flat = [str(v) for row in rows for v in row]
    assert a.id_masked in flat
    assert a.phone_masked in flat
    assert a.id_number not in flat and a.phone not in flat
    assert "李乙" not in flat  # township B's person is outside the station's area
    assert AuditEvent.objects.filter(action="export", model="control.Person").exists()


def test_exact_identity_number_search(world, people, client):
    a, _ = people
    other = factories.person(world, name="王丙")
    client.force_login(world.users["township_a"])
    # Sent by POST; the list is then addressed by the keyed hash: no number in any URL.
    found = client.post(LIST, {"id_number": a.id_number.lower()})
    assert found.status_code == 302 and a.id_number not in found.url
    assert "id_hash=" in found.url
    body = names(client.get(found.url))
    assert a.name in body and other.name not in body
    missing = client.post(LIST, {"id_number": a.id_number[:-1]})
    assert a.name not in names(client.get(missing.url))
    # The export follows the same filter, and its audit row holds no number.
    export = reverse("control:person_export") + "?" + found.url.split("?", 1)[1]
    rows = xlsx_rows(client.get(export))
    assert [r[0] for r in rows[1:]] == [a.name]
    assert a.id_number not in str(AuditEvent.objects.filter(action="export").get().changes)


def test_filters(world, people, client):
    a, _ = people
    user = world.users["township_a"]
    other = factories.person(world, name="王丙", drug_types=["heroin"])
    registry.assess_risk(user, a, date=D(2024, 1, 1), level="high", factors=["无业"])
    registry.assign(
        user,
        a,
        responsible_name="社工甲",
        responsible_role="social_worker",
        start_date=D(2024, 1, 1),
    )
    registry.flag_sick_disabled(user, other, condition="残疾", identified_date=D(2024, 1, 1))
    orders.record_order(
        user, a, kind="community_detox", decision_date=D(2024, 1, 2), reported_date=D(2024, 1, 5)
    )
    client.force_login(user)

    def listed(**params):
        body = names(client.get(LIST, params))
        return {p.name for p in (a, other) if p.name in body}

    assert listed(risk_level="high") == {a.name}
    assert listed(assignment="yes") == {a.name}
    assert listed(assignment="no") == {other.name}
    assert listed(sick="on") == {other.name}
    assert listed(drug_type="heroin") == {other.name}
    assert listed(order_kind="community_detox") == {a.name}
    assert listed(q="丙") == {other.name}
    assert listed(unit=world.village_a.pk) == {a.name, other.name}
    body = names(client.get(LIST))
    assert "社工甲" in body  # the responsible person column
    assert "社区戒毒" in body or "Community detox" in body


def test_grid_worker_and_member_unit_are_refused(world, people, client):
    a, _ = people
    for user in ("grid_a", "member"):
        client.force_login(world.users[user])
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("control:person_detail", args=[a.pk])).status_code == 403
        assert client.get(reverse("control:person_export")).status_code == 403
        assert client.get(reverse("control:followups")).status_code == 403


# ---------------------------------------------------------------- registration


def registration(world, **extra):
    data = {
        "name": "赵新",
        "gender": "male",
        "id_number": factories.id_number(),
        "household_address": "甲镇甲一村1号",
        "residence_unit": world.village_a.pk,
        "phone": "13900001111",
        "drug_types": ["methamphetamine", "ketamine"],
        "first_found_date": "2020-03-01",
        "notes": "",
    }
    data.update(extra)
    return data


def test_township_registers_a_person(world, client):
    client.force_login(world.users["township_a"])
    data = registration(world)
    response = client.post(reverse("control:person_create"), data)
    person = Person.objects.get(name="赵新")
    assert response.status_code == 302
    assert response["Location"] == reverse("control:person_detail", args=[person.pk])
    assert person.id_number == data["id_number"]
    assert person.drug_types == ["methamphetamine", "ketamine"]
    assert person.residence_unit == world.village_a


def test_registration_errors_are_shown_next_to_the_fields(world, client):
    client.force_login(world.users["township_a"])
    number = factories.id_number()
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(reverse("control:person_create"), registration(world, id_number=bad))
    assert response.status_code == 200
    assert not Person.objects.exists()
    body = names(response)
    assert 'field has-error required"' in body or "has-error" in body
    # Sex does not match the identity number (an odd sequence digit is male).
    response = client.post(
        reverse("control:person_create"), registration(world, id_number=number, gender="female")
    )
    assert not Person.objects.exists()
    assert "has-error" in names(response)


def test_duplicate_inside_the_area_links_to_the_record(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    response = client.post(
        reverse("control:person_create"), registration(world, id_number=a.id_number)
    )
    assert response.status_code == 200
    assert reverse("control:person_detail", args=[a.pk]) in names(response)
    assert Person.objects.count() == 2


def test_duplicate_outside_the_area_says_so_without_a_link(world, people, client):
    _, b = people
    client.force_login(world.users["township_a"])
    response = client.post(
        reverse("control:person_create"), registration(world, id_number=b.id_number)
    )
    body = names(response)
    with translation.override("zh-hans"):
        expected = str(registry.DuplicatePerson(None).message)
    assert expected in body
    assert reverse("control:person_detail", args=[b.pk]) not in body
    assert "李乙" not in body


def test_only_write_roles_register(world, client):
    for user in ("leader", "grid_a"):
        client.force_login(world.users[user])
        assert client.get(reverse("control:person_create")).status_code == 403
    client.force_login(world.users["station_a"])
    assert client.get(reverse("control:person_create")).status_code == 200


def test_correcting_an_entry_keeps_the_number_when_left_empty(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    open_file(client, a)
    response = client.post(
        reverse("control:person_edit", args=[a.pk]),
        {
            "name": "张甲改",
            "gender": "male",
            "id_number": "",
            "phone": "",
            "drug_types": ["heroin"],
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.name == "张甲改" and a.drug_types == ["heroin"]
    assert a.phone == "13812345678"


# ---------------------------------------------------------------- opening the file


def test_the_file_asks_for_a_reason_and_logs_the_opening(world, people, client):
    a, _ = people
    user = world.users["township_a"]
    client.force_login(user)
    url = reverse("control:person_detail", args=[a.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="reason"' in names(response)
    assert "household_address" not in names(response)
    assert not FileAccess.objects.exists()

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and not FileAccess.objects.exists()
    response = open_file(client, a, reason="other")  # "other" needs a note
    assert response.status_code == 200 and not FileAccess.objects.exists()

    response = open_file(client, a, reason="case_handling", note="核查线索")
    assert response.status_code == 302
    access = FileAccess.objects.get()
    assert (access.user, access.person, access.reason, access.note) == (
        user,
        a,
        "case_handling",
        "核查线索",
    )
    body = names(client.get(url))
    assert a.household_address in body or "甲一村" in body
    assert 'name="reason"' not in body
    # Within 30 minutes in the same session the file stays open without a new log row.
    client.get(url)
    assert FileAccess.objects.count() == 1


def test_the_grant_expires_after_thirty_minutes(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    open_file(client, a)
    session = client.session
    grants = session["control_file_grants"]
    grants[str(a.pk)]["at"] -= 31 * 60
    session["control_file_grants"] = grants
    session.save()
    assert 'name="reason"' in names(client.get(reverse("control:person_detail", args=[a.pk])))


@pytest.mark.parametrize(
    "user,full", [("station_a", True), ("office_admin", True), ("township_a", False)]
)
def test_full_identity_number_only_for_some_roles(world, people, client, user, full):
    a, _ = people
    client.force_login(world.users[user])
    open_file(client, a)
    body = names(client.get(reverse("control:person_detail", args=[a.pk])))
    assert (a.id_number in body) is full
    assert a.id_masked in body or full
    assert FileAccess.objects.get().full_numbers is full


def test_outsider_gets_404_for_the_file(world, people, client):
    _, b = people
    client.force_login(world.users["township_a"])
    assert client.get(reverse("control:person_detail", args=[b.pk])).status_code == 404
    assert open_file(client, b).status_code == 404
    assert not FileAccess.objects.exists()


# ---------------------------------------------------------------- office pages


def test_access_log_is_the_offices(world, people, client):
    a, _ = people
    client.force_login(world.users["station_a"])
    open_file(client, a, reason="case_handling", note="派出所核查")
    for user in ("station_a", "township_a", "leader"):
        client.force_login(world.users[user])
        assert client.get(reverse("control:access_log")).status_code == 403
        assert client.get(reverse("control:access_log_export")).status_code == 403
    client.force_login(world.users["office_admin"])
    body = names(client.get(reverse("control:access_log")))
    assert "派出所核查" in body and "station_a" in body
    body = names(client.get(reverse("control:access_log"), {"reason": "statistics"}))
    assert "派出所核查" not in body
    rows = xlsx_rows(client.get(reverse("control:access_log_export")))
    assert rows[1][2] == a.name and rows[1][3] == a.id_masked


def test_follow_ups_list_and_close(world, people, client):
    a, b = people
    user = world.users["township_a"]
    orders.record_test(user, a, date=D(2024, 3, 1), result="positive")
    orders.record_test(world.users["township_b"], b, date=D(2024, 3, 1), result="missed")
    client.force_login(user)
    body = names(client.get(reverse("control:followups")))
    assert a.name in body and b.name not in body
    follow_up = FollowUp.objects.get(person=a)
    open_file(client, a)
    response = client.post(
        reverse("control:followup_close", args=[follow_up.pk]),
        {"outcome": "已谈话", "next": reverse("control:followups")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("control:followups")
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.outcome == "已谈话"
    rows = xlsx_rows(client.get(reverse("control:followups_export")))
    assert len(rows) == 1  # only the header: nothing is open any more


def test_overdue_tests_and_mine_only(world, people, client):
    a, _ = people
    user = world.users["township_a"]
    other = factories.person(world, name="王丙")
    for p in (a, other):
        orders.record_order(
            user,
            p,
            kind="community_rehab",
            decision_date=D(2023, 1, 2),
            reported_date=D(2023, 1, 5),
        )
    registry.assign(
        user,
        a,
        responsible_name="甲镇社工",
        responsible_role="social_worker",
        responsible_user=user,
        start_date=D(2023, 1, 5),
    )
    client.force_login(user)
    body = names(client.get(reverse("control:overdue_tests")))
    assert a.name in body and other.name in body
    body = names(client.get(reverse("control:overdue_tests"), {"mine": "on"}))
    assert a.name in body and other.name not in body
    rows = xlsx_rows(client.get(reverse("control:overdue_tests_export"), {"mine": "on"}))
    assert [r[0] for r in rows[1:]] == [a.name] and rows[1][1] == a.id_masked


# ---------------------------------------------------------------- actions


def test_pages_that_show_the_file_ask_for_the_reason_first_and_come_back(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    for url in (
        reverse("control:person_edit", args=[a.pk]),
        reverse("control:person_risk", args=[a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("control:person_detail", args=[a.pk]) + "?next=")
        assert not FileAccess.objects.exists()
    detail = client.get(response.url)
    assert 'name="reason"' in detail.content.decode()
    back = client.post(response.url, {"reason": "control_work"})
    assert back.url == reverse("control:person_risk", args=[a.pk])
    assert FileAccess.objects.count() == 1
    assert client.get(back.url).status_code == 200


def act(client, name, obj, data):
    # Actions work on an opened file (the opening is what is logged).
    open_file(client, obj if isinstance(obj, Person) else obj.person)
    return client.post(reverse(f"control:{name}", args=[obj.pk]), data)


def test_risk_and_assignment_actions(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    response = act(
        client, "person_risk", a, {"level": "high", "date": "2024-02-01", "factors": "无业\n独居"}
    )
    assert response.status_code == 302
    assert RiskAssessment.objects.get(person=a).factors == ["无业", "独居"]
    a.refresh_from_db()
    assert a.risk_level == "high"
    # Medium or high without factors is refused next to the field.
    response = act(client, "person_risk", a, {"level": "medium", "date": "2024-02-02"})
    assert response.status_code == 200 and "has-error" in names(response)

    response = act(
        client,
        "person_assign",
        a,
        {
            "responsible_name": "社工甲",
            "responsible_role": "social_worker",
            "start_date": "2024-02-01",
        },
    )
    assert response.status_code == 302
    assignment = ControlAssignment.objects.get(person=a)
    response = act(client, "assignment_end", assignment, {"end_date": "2024-06-30"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_date == D(2024, 6, 30)


def test_order_actions_and_a_refusal_citing_its_article(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    response = act(
        client,
        "person_order",
        a,
        {"kind": "compulsory_isolation", "decision_date": "2024-01-10", "authority": "县公安局"},
    )
    assert response.status_code == 302
    order = ControlOrder.objects.get(person=a)
    response = act(client, "order_report", order, {"executed_date": "2024-01-12"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.executed_date == D(2024, 1, 12)

    # Thirteen months of extension: refused, naming 禁毒法第四十七条 with its text.
    response = act(client, "order_extend", order, {"months": "13"})
    assert response.status_code == 200
    body = names(response)
    article = control_policy().order_kind("compulsory_isolation").extension_article
    assert article in body
    assert control_policy().articles[article].text[:20] in body
    order.refresh_from_db()
    assert order.extension_months == 0

    response = act(client, "order_extend", order, {"months": "6"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.extension_months == 6


def test_community_order_end_suspend_and_resume(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    act(
        client,
        "person_order",
        a,
        {"kind": "community_detox", "decision_date": "2024-01-10", "reported_date": "2024-01-15"},
    )
    order = ControlOrder.objects.get(person=a)
    response = act(client, "order_end", order, {"end_kind": "suspended", "end_date": "2024-03-01"})
    assert response.status_code == 302
    response = act(client, "order_resume", order, {"date": "2024-04-01"})
    assert response.status_code == 302
    assert ControlOrder.objects.filter(continues=order).exists()


def test_test_and_leave_actions(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    response = act(
        client, "person_test", a, {"kind": "urine", "date": "2024-02-01", "result": "negative"}
    )
    assert response.status_code == 302
    assert UrineTest.objects.get(person=a).result == "negative"
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = act(
        client, "person_test", a, {"kind": "urine", "date": future, "result": "negative"}
    )
    assert response.status_code == 200 and UrineTest.objects.count() == 1

    response = act(
        client,
        "person_leave",
        a,
        {"from_date": "2024-05-01", "to_date": "2024-05-10", "destination": "长沙"},
    )
    assert response.status_code == 302
    leave = LeaveRequest.objects.get(person=a)
    assert leave.status == "requested"
    # Refusing needs a reason.
    response = act(client, "leave_decide", leave, {"decision": "refuse"})
    assert response.status_code == 200
    response = act(client, "leave_decide", leave, {"decision": "approve"})
    assert response.status_code == 302
    response = act(client, "leave_return", leave, {"returned_date": "2024-05-09"})
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "returned"


def test_status_move_sick_actions(world, people, client):
    a, _ = people
    client.force_login(world.users["township_a"])
    assert (
        act(client, "person_status", a, {"status": "in_custody", "date": "2024-02-01"}).status_code
        == 302
    )
    assert (
        act(
            client, "person_move", a, {"residence_unit": world.grid_a.pk, "date": "2024-02-02"}
        ).status_code
        == 302
    )
    assert (
        act(
            client, "person_sick", a, {"condition": "肢体残疾", "identified_date": "2024-02-03"}
        ).status_code
        == 302
    )
    a.refresh_from_db()
    assert a.status == "in_custody" and a.residence_unit == world.grid_a
    sick = a.sick_disabled.get()
    assert act(client, "sick_admission", sick, {"admitted_date": "2024-02-05"}).status_code == 302
    open_file(client, a)
    body = names(client.get(reverse("control:person_detail", args=[a.pk])))
    assert "肢体残疾" in body and "甲一村第一网格" in body


def test_read_only_and_outsiders_cannot_act(world, people, client):
    a, b = people
    data = {"level": "low", "date": "2024-02-01"}
    client.force_login(world.users["leader"])
    assert client.get(reverse("control:person_risk", args=[a.pk])).status_code == 403
    assert act(client, "person_risk", a, data).status_code == 403
    client.force_login(world.users["township_a"])
    assert act(client, "person_risk", b, data).status_code == 404
    assert not RiskAssessment.objects.exists()


def test_the_list_makes_a_fixed_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world.users["township_a"]

    def grow(n, start):
        for i in range(start, start + n):
            p = factories.person(world, name=f"某{i}")
            orders.record_order(user, p, kind="community_detox", decision_date=D(2024, 1, 2))
            registry.assign(
                user,
                p,
                responsible_name=f"社工{i}",
                responsible_role="social_worker",
                start_date=D(2024, 1, 1),
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(queries)

    client.force_login(user)
    grow(2, 0)
    few = count()
    grow(10, 2)
    many = count()
    assert "社工11" in names(client.get(LIST))
    assert many <= few, (few, many)


def test_the_unit_filter_is_a_picker_and_accepts_any_unit_in_scope(world, people, client):
    client.force_login(world.users["office_admin"])
    url = reverse("control:person_list")
    page = client.get(url).content.decode()
    assert 'data-picker="/pick/units/' in page  # searched as the clerk types
    assert f'value="{world.township_a.pk}"' not in page
    # A village named by a link is still a valid filter, and shown as chosen.
    page = client.get(url, {"unit": world.village_a.pk}).content.decode()
    assert f'value="{world.village_a.pk}" selected' in page
    # At any scale the picker finds a unit by its name or code.
    found = client.get("/pick/units/", {"q": world.county.code}).json()["results"]
    assert [r["value"] for r in found][:1] == [str(world.county.pk)]


# The person list's rows as the template loop rendered them before they were built in Python.
_LOOP = (
    "{% load i18n %}"
    '{% translate "Full name" as l_name %}{% translate "Gender" as l_gender %}'
    '{% translate "Identity number" as l_id %}{% translate "Residence" as l_residence %}'
    '{% translate "Status" as l_status %}{% translate "Risk" as l_risk %}'
    '{% translate "Current order" as l_order %}'
    '{% translate "Responsible person" as l_responsible %}'
    '{% translate "Left control" as l_left %}{% for p in rows %}'
    '<tr><td data-label="{{ l_name }}"><a href="{{ p.url }}">{{ p.name }}</a>'
    '{% if p.left_control_on %} <span class="badge ok">{{ l_left }}</span>{% endif %}</td>'
    '<td data-label="{{ l_gender }}">{{ p.gender }}</td>'
    '<td data-label="{{ l_id }}"><code>{{ p.id_masked }}</code></td>'
    '<td data-label="{{ l_residence }}">{{ p.residence }}</td>'
    '<td data-label="{{ l_status }}">{{ p.status }}</td>'
    "<td data-label=\"{{ l_risk }}\">{% if p.risk_level == 'high' %}"
    '<span class="badge warn">{{ p.risk }}</span>{% else %}{{ p.risk|default:"—" }}{% endif %}</td>'
    '<td data-label="{{ l_order }}">{{ p.current_order|default:"—" }}</td>'
    '<td data-label="{{ l_responsible }}">{{ p.responsible|default:"—" }}</td></tr>'
    "{% endfor %}"
)


def test_the_list_rows_built_in_python_are_the_template_loops_html():
    """``person_list._rows_html`` escapes every value as the template did and gives the same
    markup (whitespace between tags aside), for each branch: a left person, a high risk, no
    risk, no order and no one responsible, and markup in a name."""
    import re

    from django.template import Context, Template
    from django.utils import translation

    from jindu.control.web.person_list import _rows_html

    base = {"pk": 1, "url": "/control/persons/1/", "name": "测试甲", "left_control_on": None,
            "gender": "男", "id_masked": "430421********1234", "residence": "甲乡 · 甲村",
            "status": "社区戒毒", "risk_level": "low", "risk": "低", "current_order": "社区戒毒",
            "responsible": "网格员甲"}  # fmt: skip
    rows = [
        base,
        {**base, "pk": 2, "left_control_on": "2024-01-01", "risk_level": "high", "risk": "高"},
        {**base, "pk": 3, "risk_level": "", "risk": "", "current_order": "", "responsible": ""},
        {**base, "pk": 4, "name": '<b>"x"</b> & y', "residence": "<i>村</i>"},
    ]

    def squeeze(html):
        return re.sub(r">\s+<", "><", str(html)).strip()

    with translation.override("zh-hans"):
        expected = Template(_LOOP).render(Context({"rows": rows}))
        assert squeeze(_rows_html(rows)) == squeeze(expected)
        assert "&lt;b&gt;" in str(_rows_html(rows))
