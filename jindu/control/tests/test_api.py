"""The control API contract (issue 6): fields, masking, errors, workflow actions, scoping."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jindu.control.models import FileAccess, Person

from .factories import D, id_number, person


def open_file(api, pk):
    response = api.post(f"/api/v1/persons/{pk}/open/", {"reason": "statistics"}, format="json")
    assert response.status_code == 200, response.content


def register(api, world, **extra):
    body = {
        "name": "张测试",
        "gender": "male",
        "id_number": id_number(),
        "residence_unit": world.village_a.pk,
        "drug_types": ["heroin", "ketamine"],
        "first_found_date": "2019-05-01",
        "status": "in_society",
        "phone": "13812345678",
    }
    body.update(extra)
    return api.post("/api/v1/persons/", body, format="json")


def test_a_person_is_written_in_full_and_read_masked(world, api_as):
    api = api_as(world.users["township_a"])
    number = id_number(D(1992, 2, 29))
    response = register(api, world, id_number=number)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id_number"] == number[:6] + "********" + number[-4:]
    assert body["phone"] == "138****5678"
    assert {"name", "gender", "residence_unit", "drug_types", "first_found_date", "status"} <= set(
        body
    )
    listed = api.get("/api/v1/persons/").json()
    assert listed["count"] == 1
    text = str(listed)
    assert number not in text and "13812345678" not in text
    lookup = "/api/v1/persons/lookup/"
    assert len(api.post(lookup, {"id_number": number}, format="json").json()) == 1
    assert api.post(lookup, {"id_number": id_number()}, format="json").json() == []
    # No number in a URL (issue 16, item 3).
    refused = api.get(f"/api/v1/persons/?id_number={number}")
    assert refused.status_code == 400 and "lookup" in refused.json()["detail"]


def test_a_duplicate_answers_409_with_the_existing_record(world, api_as):
    number = id_number()
    first = register(api_as(world.users["township_a"]), world, id_number=number).json()
    again = register(api_as(world.users["station_a"]), world, id_number=number)
    assert again.status_code == 409
    assert again.json()["existing"] == first["id"]
    outside = register(
        api_as(world.users["township_b"]),
        world,
        id_number=number,
        residence_unit=world.village_b.pk,
    )
    assert outside.status_code == 409
    assert outside.json()["existing"] is None
    assert "id_number" in outside.json()["errors"]


def test_an_invalid_identity_number_is_a_field_error(world, api_as):
    response = register(api_as(world.users["township_a"]), world, id_number="430421199001011234")
    assert response.status_code == 400
    assert "id_number" in response.json()["errors"]
    assert Person.objects.count() == 0


def test_township_b_cannot_see_or_touch_township_a_persons(world, api_as):
    pk = register(api_as(world.users["township_a"]), world).json()["id"]
    api = api_as(world.users["township_b"])
    assert api.get("/api/v1/persons/").json()["count"] == 0
    assert api.get(f"/api/v1/persons/{pk}/").status_code == 404
    assert api.patch(f"/api/v1/persons/{pk}/", {"name": "x"}, format="json").status_code == 404
    assert api.post(f"/api/v1/persons/{pk}/open/", {"reason": "statistics"}).status_code == 404
    response = api.post(
        "/api/v1/risk-assessments/",
        {"person": pk, "date": "2021-01-01", "level": "high", "factors": ["x"]},
        format="json",
    )
    assert response.status_code == 400 and "person" in response.json()["errors"]
    assert api.get(f"/api/v1/persons/?org_unit={world.township_a.pk}").json()["count"] == 0


def test_updates_go_through_the_services(world, api_as):
    api = api_as(world.users["township_a"])
    pk = register(api, world).json()["id"]
    response = api.patch(
        f"/api/v1/persons/{pk}/", {"household_address": "甲一村5号"}, format="json"
    )
    assert response.status_code == 200 and "household_address" not in response.json()
    opened = api.post(f"/api/v1/persons/{pk}/open/", {"reason": "control_work"}, format="json")
    assert opened.json()["household_address"] == "甲一村5号"  # read with a reason, logged
    moved = api.patch(f"/api/v1/persons/{pk}/", {"residence_unit": world.grid_a.pk}, format="json")
    assert moved.status_code == 400
    response = api.post(
        f"/api/v1/persons/{pk}/move/",
        {"residence_unit": world.grid_a.pk, "date": "2021-06-01"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["residence_unit"] == world.grid_a.pk
    leader = api_as(world.users["leader"])
    assert leader.get(f"/api/v1/persons/{pk}/").status_code == 200
    assert leader.patch(f"/api/v1/persons/{pk}/", {"name": "x"}, format="json").status_code == 403


@pytest.mark.parametrize(("persona", "full"), [("station_a", True), ("township_a", False)])
def test_opening_the_file_gives_a_reason_and_is_logged(world, api_as, persona, full):
    number = id_number()
    pk = register(api_as(world.users["township_a"]), world, id_number=number).json()["id"]
    api = api_as(world.users[persona])
    assert api.post(f"/api/v1/persons/{pk}/open/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/persons/{pk}/open/", {"reason": "control_work"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id_number"] == number) is full
    assert body["full_id_number"] is full
    assert set(body["history"]) >= {"status_changes", "orders", "tests", "risk_assessments"}
    assert FileAccess.objects.get().user == world.users[persona]


def test_the_records_about_a_person(world, api_as):
    api = api_as(world.users["station_a"])
    pk = register(api, world).json()["id"]
    risk = api.post(
        "/api/v1/risk-assessments/",
        {"person": pk, "date": "2021-01-05", "level": "medium", "factors": ["无固定职业"]},
        format="json",
    )
    assert risk.status_code == 201 and risk.json()["level"] == "medium"
    order = api.post(
        "/api/v1/control-orders/",
        {
            "person": pk,
            "kind": "community_detox",
            "decision_date": "2021-01-01",
            "authority": "衡阳县公安局",
        },
        format="json",
    )
    assert order.status_code == 201, order.json()
    body = order.json()
    assert {
        "person",
        "kind",
        "decision_date",
        "reported_date",
        "executed_date",
        "not_executed_reason",
        "end_date",
    } <= set(body)
    assert body["report_due"] == "2021-01-16"
    reported = api.patch(
        f"/api/v1/control-orders/{body['id']}/", {"reported_date": "2021-01-10"}, format="json"
    )
    assert reported.status_code == 200 and reported.json()["expected_end"] == "2024-01-09"
    early = api.patch(
        f"/api/v1/control-orders/{body['id']}/",
        {"end_date": "2022-01-01", "end_kind": "expiry"},
        format="json",
    )
    assert early.status_code == 409 and early.json()["basis"]
    fixed = api.patch(
        f"/api/v1/control-orders/{body['id']}/", {"kind": "community_rehab"}, format="json"
    )
    assert fixed.status_code == 400
    assignment = api.post(
        "/api/v1/control-assignments/",
        {
            "person": pk,
            "start_date": "2021-01-10",
            "responsible_name": "王社工",
            "responsible_role": "social_worker",
        },
        format="json",
    )
    assert assignment.status_code == 201 and assignment.json()["end_date"] is None
    ended = api.patch(
        f"/api/v1/control-assignments/{assignment.json()['id']}/",
        {"end_date": "2021-12-31"},
        format="json",
    )
    assert ended.json()["end_date"] == "2021-12-31"
    status = api.post(
        "/api/v1/status-changes/",
        {"person": pk, "date": "2022-01-01", "status": "in_custody", "reason": "刑拘"},
        format="json",
    )
    assert status.status_code == 201
    assert api.get(f"/api/v1/persons/{pk}/").json()["status"] == "in_custody"
    sick = api.post(
        "/api/v1/sick-disabled/",
        {"person": pk, "condition": "肢体残疾", "identified_date": "2021-02-01"},
        format="json",
    )
    assert sick.status_code == 201 and sick.json()["admitted_date"] is None
    admitted = api.patch(
        f"/api/v1/sick-disabled/{sick.json()['id']}/",
        {"admitted_date": "2021-03-01"},
        format="json",
    )
    assert admitted.json()["admitted_date"] == "2021-03-01"
    test = api.post(
        "/api/v1/urine-tests/",
        {"person": pk, "date": "2021-02-01", "result": "refused"},
        format="json",
    )
    assert test.status_code == 201 and test.json()["kind"] == "urine"
    assert api.get(f"/api/v1/urine-tests/?person={pk}&result=refused").status_code == 403
    open_file(api, pk)
    assert api.get(f"/api/v1/urine-tests/?person={pk}&result=refused").json()["count"] == 1
    bad = api.post(
        "/api/v1/urine-tests/",
        {"person": pk, "date": "2021-02-01", "result": "maybe"},
        format="json",
    )
    assert bad.status_code == 400
    for url in (
        "risk-assessments",
        "control-orders",
        "control-assignments",
        "status-changes",
        "sick-disabled",
        "urine-tests",
    ):
        assert api_as(world.users["township_b"]).get(f"/api/v1/{url}/").json()["count"] == 0
        assert api_as(world.users["grid_a"]).get(f"/api/v1/{url}/").json()["count"] == 0


def test_the_relapse_report_workflow(world, api_as):
    pk = register(api_as(world.users["township_a"]), world, residence_unit=world.grid_a.pk).json()[
        "id"
    ]
    grid = api_as(world.users["grid_a"])
    created = grid.post(
        "/api/v1/relapse-reports/",
        {"subject": "张某", "place": "甲一村", "observed_on": "2021-05-01", "observation": "疑似"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    report = created.json()["id"]
    assert created.json()["grid"] == world.grid_a.pk
    township = api_as(world.users["township_a"])  # (the same client, other credentials)
    assert township.post(f"/api/v1/relapse-reports/{report}/accept/").status_code == 403
    station = api_as(world.users["station_a"])
    accepted = station.post(
        f"/api/v1/relapse-reports/{report}/accept/", {"person": pk}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["person"] == pk
    checked = station.post(
        f"/api/v1/relapse-reports/{report}/check/",
        {"check_date": "2021-05-02", "result": "positive"},
        format="json",
    )
    assert checked.status_code == 200 and checked.json()["check_result"] == "positive"
    wrong = station.post(f"/api/v1/relapse-reports/{report}/accept/", {}, format="json")
    assert wrong.status_code == 400
    closed = station.post(
        f"/api/v1/relapse-reports/{report}/close/", {"outcome": "confirmed"}, format="json"
    )
    assert closed.json()["status"] == "closed"
    # The grid worker follows the status, and learns nothing about the person.
    grid = api_as(world.users["grid_a"])  # one client: switch its credentials back
    mine = grid.get(f"/api/v1/relapse-reports/{report}/").json()
    assert mine["status"] == "closed"
    assert not {"person", "outcome", "check_result", "check_note"} & set(mine)
    assert grid.get("/api/v1/persons/").json()["count"] == 0
    assert grid.get(f"/api/v1/persons/{pk}/").status_code == 404
    assert (
        grid.post(f"/api/v1/persons/{pk}/open/", {"reason": "other", "note": "x"}).status_code
        == 404
    )
    assert grid.post(f"/api/v1/relapse-reports/{report}/close/", {"outcome": "x"}).status_code in (
        400,
        403,
    )


def test_a_grid_worker_sees_only_their_own_reports(world, api_as):
    from jindu.accounts import services as accounts
    from jindu.control.services import relapse

    other = accounts.create_user(
        None,
        username="grid_a2",
        password="Test-password-2026",
        role="grid_worker",
        unit=world.grid_a2,
    )
    theirs = relapse.submit_relapse_report(
        other, subject="x", place="y", observed_on=D(2021, 5, 1), observation="z"
    )
    grid = api_as(world.users["grid_a"])
    assert grid.get("/api/v1/relapse-reports/").json()["count"] == 0
    assert grid.get(f"/api/v1/relapse-reports/{theirs.pk}/").status_code == 404
    assert api_as(world.users["station_a"]).get("/api/v1/relapse-reports/").json()["count"] == 1


def test_kpis_contract(world, api_as):
    api = api_as(world.users["township_a"])
    response = api.get(
        f"/api/v1/kpis/control/?org_unit={world.township_a.pk}&date_from=2021-01-01"
        "&date_to=2021-12-31"
    )
    assert response.status_code == 200
    indicators = response.json()["indicators"]
    assert [i["code"] for i in indicators] == [
        "medium_high_risk_control_rate",
        "community_execution_rate",
        "compulsory_isolation_execution_rate",
        "sick_disabled_admission_rate",
        "not_executed_control_rate",
    ]
    for indicator in indicators:
        assert {"code", "numerator", "denominator", "value", "target", "met"} <= set(indicator)
    assert api.get(f"/api/v1/kpis/control/?org_unit={world.township_b.pk}").status_code == 404
    assert (
        api.get("/api/v1/kpis/control/?date_from=2021-12-31&date_to=2021-01-01").status_code == 400
    )
    assert api.get("/api/v1/kpis/control/").json()["org_unit"] == world.township_a.pk
    people = api.get(
        f"/api/v1/kpis/control/people/?org_unit={world.township_a.pk}"
        "&code=medium_high_risk_control_rate&which=gap"
    )
    assert people.status_code == 200 and people.json()["count"] == 0
    assert api.get("/api/v1/kpis/control/people/?code=nonsense").status_code == 400


def test_the_person_list_keeps_a_fixed_query_count(world, api_as):
    api = api_as(world.users["office_admin"])
    for i in range(2):
        person(world, name=f"甲{i}")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/persons/").status_code == 200
        return len(queries)

    few = count()
    for i in range(8):
        person(world, name=f"乙{i}")
    assert count() <= few


# ---------------------------------------------------------------- leave, follow-ups, file access


def _leave(api, person_pk, **extra):
    body = {
        "person": person_pk,
        "from_date": "2021-03-01",
        "to_date": "2021-03-10",
        "destination": "长沙",
        "reason": "探亲",
    }
    body.update(extra)
    return api.post("/api/v1/leave-requests/", body, format="json")


def test_the_leave_workflow(world, api_as):
    from jindu.control.models import LeaveRequest

    p = person(world)
    api = api_as(world.users["township_a"])
    created = _leave(api, p.pk)
    assert created.status_code == 201, created.json()
    leave = created.json()
    assert (leave["status"], leave["person"], leave["destination"]) == ("requested", p.pk, "长沙")
    url = f"/api/v1/leave-requests/{leave['id']}/"
    open_file(api, p.pk)
    assert api.get(url).json()["to_date"] == "2021-03-10"
    approved = api.post(url + "approve/", {"note": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = api.post(url + "approve/", {}, format="json")
    assert again.status_code == 400 and again.json()["detail"]
    extended = api.post(url + "extend/", {"to_date": "2021-03-15"}, format="json")
    assert extended.status_code == 200, extended.json()
    assert (extended.json()["to_date"], extended.json()["original_to_date"]) == (
        "2021-03-15",
        "2021-03-10",
    )
    shorter = api.post(url + "extend/", {"to_date": "2021-03-12"}, format="json")
    assert shorter.status_code == 400 and "to_date" in shorter.json()["errors"]
    returned = api.post(url + "return/", {"returned_date": "2021-03-14"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert LeaveRequest.objects.get().returned_date == D(2021, 3, 14)
    # A refusal needs its reason.
    other = _leave(api, p.pk, from_date="2021-05-01", to_date="2021-05-05").json()
    refuse = f"/api/v1/leave-requests/{other['id']}/refuse/"
    assert api.post(refuse, {}, format="json").status_code == 400
    refused = api.post(refuse, {"note": "期间有尿检安排"}, format="json")
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    open_file(api, p.pk)
    listed = api.get(f"/api/v1/leave-requests/?person={p.pk}&status=refused").json()
    assert [row["id"] for row in listed["results"]] == [other["id"]]


def test_township_b_cannot_read_or_decide_township_a_leave(world, api_as):
    p = person(world)
    leave = _leave(api_as(world.users["township_a"]), p.pk).json()
    api = api_as(world.users["township_b"])
    assert api.get("/api/v1/leave-requests/").json()["count"] == 0
    url = f"/api/v1/leave-requests/{leave['id']}/"
    assert api.get(url).status_code == 404
    for step in ("approve", "refuse", "extend", "return"):
        assert api.post(url + step + "/", {"note": "x"}, format="json").status_code == 404
    created = _leave(api, p.pk)
    assert created.status_code == 400 and "person" in created.json()["errors"]
    # The leader reads but does not decide; the grid worker sees nothing.
    leader = api_as(world.users["leader"])
    assert leader.get(url).status_code == 403  # the file is not open
    open_file(leader, p.pk)
    assert leader.get(url).status_code == 200
    assert leader.post(url + "approve/", {}, format="json").status_code == 403
    assert api_as(world.users["grid_a"]).get("/api/v1/leave-requests/").json()["count"] == 0


def test_follow_ups_are_listed_and_closed(world, api_as):
    from jindu.control.services import orders

    p = person(world)
    orders.record_test(world.users["township_a"], p, date=D(2021, 4, 1), result="positive")
    api = api_as(world.users["township_a"])
    open_file(api, p.pk)
    listed = api.get(f"/api/v1/follow-ups/?person={p.pk}&status=open").json()
    assert listed["count"] == 1
    follow_up = listed["results"][0]
    assert follow_up["kind"] == "test_result" and follow_up["person"] == p.pk
    assert "trigger_key" not in follow_up
    url = f"/api/v1/follow-ups/{follow_up['id']}/"
    assert api.post(url + "close/", {"outcome": " "}, format="json").status_code == 400
    closed = api.post(url + "close/", {"outcome": "已约谈并复检"}, format="json")
    assert closed.status_code == 200, closed.json()
    assert (closed.json()["status"], closed.json()["outcome"]) == ("done", "已约谈并复检")
    again = api.post(url + "close/", {"outcome": "再次"}, format="json")
    assert again.status_code == 400
    # Read-only otherwise.
    assert api.patch(url, {"outcome": "x"}, format="json").status_code == 405
    assert api.post("/api/v1/follow-ups/", {}, format="json").status_code == 405
    # Township B neither sees nor closes it.
    other = api_as(world.users["township_b"])
    assert other.get("/api/v1/follow-ups/").json()["count"] == 0
    assert other.get(url).status_code == 404
    assert other.post(url + "close/", {"outcome": "x"}, format="json").status_code == 404


@pytest.mark.parametrize(
    "persona", ["township_a", "township_b", "leader", "station_a", "grid_a", "member"]
)
def test_the_file_access_log_is_the_office_s_alone(world, api_as, persona):
    from jindu.control.services import registry

    p = person(world)
    registry.open_file(world.users["township_a"], p, reason="control_work", note="走访前核对")
    assert api_as(world.users[persona]).get("/api/v1/file-access-log/").status_code == 403
    office = api_as(world.users["office_admin"])
    log = office.get(f"/api/v1/file-access-log/?person={p.pk}").json()
    assert log["count"] == 1
    row = log["results"][0]
    assert (row["user"], row["person"], row["reason"], row["note"]) == (
        "township_a",
        p.pk,
        "control_work",
        "走访前核对",
    )
    assert p.id_number not in str(log)
    assert (
        office.get(f"/api/v1/file-access-log/?user={world.users['leader'].pk}").json()["count"] == 0
    )


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("control-orders", "kind"),
        ("urine-tests", "result"),
        ("leave-requests", "status"),
        ("relapse-reports", "status"),
    ],
)
def test_a_list_filters_by_its_code_and_refuses_an_unknown_one_naming_it(world, api_as, path, name):
    """The lists' parameters are their FilterSets' (control.filters), as documented."""
    p = person(world)
    api = api_as(world.users["township_a"])
    open_file(api, p.pk)
    bad = api.get(f"/api/v1/{path}/?{name}=maybe")
    assert bad.status_code == 400 and name in bad.json()["errors"], bad.content
    assert api.get(f"/api/v1/{path}/?person={p.pk}&{name}=").status_code == 200


def test_a_list_of_a_persons_records_shows_that_person_only(world, api_as):
    api = api_as(world.users["township_a"])
    first, second = person(world), person(world)
    for p in (first, second):
        open_file(api, p.pk)
        created = api.post(
            "/api/v1/urine-tests/",
            {"person": p.pk, "date": "2021-02-01", "result": "negative"},
            format="json",
        )
        assert created.status_code == 201, created.content
    listed = api.get(f"/api/v1/urine-tests/?person={first.pk}&result=negative").json()
    assert [row["person"] for row in listed["results"]] == [first.pk]
    assert api.get(f"/api/v1/urine-tests/?person={first.pk}&result=positive").json()["count"] == 0
    assert api.get("/api/v1/urine-tests/").json()["count"] == 2
