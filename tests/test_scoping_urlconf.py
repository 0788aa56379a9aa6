"""Township A's staff cannot read or change township B's records through any URL.

The test walks the whole URL conf. A URL that takes an object id must be listed in
OUTSIDER_OBJECTS with the outsider's object it should be tried on; a new URL that is not
listed fails the test, so no page or endpoint escapes the check.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jindu.audit.models import AuditEvent

# URL name → how to find township B's object of that kind in the test world.
OUTSIDER_OBJECTS = {
    "orgs:unit_detail": lambda w: w.township_b,
    "orgs:unit_edit": lambda w: w.village_b,
    "orgs:position_create": lambda w: w.township_b,
    "orgs:position_edit": lambda w: w.position_b,
    "accounts:user_edit": lambda w: w.users["township_b"],
    "accounts:user_password": lambda w: w.users["township_b"],
    "api:org-unit-detail": lambda w: w.grid_b,
    "api:member-unit-detail": lambda w: w.member_unit,
    "api:station-detail": lambda w: w.station_b,
    "api:position-detail": lambda w: w.position_b,
    "rectification:designation_detail": lambda w: w.b["designation"],
    "rectification:decide_change": lambda w: w.b["designation"],
    "rectification:assess": lambda w: w.b["designation"],
    "rectification:report_create": lambda w: w.b["designation"],
    "rectification:decision_document": lambda w: w.b["decision"],
    "rectification:assessment_detail": lambda w: w.b["assessment"],
    "rectification:application_detail": lambda w: w.b["application"],
    "rectification:application_close": lambda w: w.b["application"],
    "rectification:evaluation_detail": lambda w: w.b["evaluation"],
    "attachment": lambda w: w.b["attachment"],
    "api:designation-detail": lambda w: w.b["designation"],
    "api:assessment-detail": lambda w: w.b["assessment"],
    "api:decision-detail": lambda w: w.b["decision"],
    "api:application-detail": lambda w: w.b["application"],
    "api:evaluation-detail": lambda w: w.b["evaluation"],
    "api:obligation-detail": lambda w: w.b["obligation"],
    "accountability:action_detail": lambda w: w.b["action"],
    "accountability:interview_notice": lambda w: w.b["action"],
    "accountability:inspection_detail": lambda w: w.b["inspection"],
    "accountability:assistance": lambda w: w.b["designation"],
    "accountability:visit_create": lambda w: w.b["assignment"],
    "accountability:duty_record": lambda w: w.township_b,
    "api:accountability-action-detail": lambda w: w.b["action"],
    "api:accountability-action-confirm": lambda w: w.b["action"],
    "api:accountability-action-reject": lambda w: w.b["action"],
    "api:inspection-detail": lambda w: w.b["inspection"],
    "api:assistance-assignment-detail": lambda w: w.b["assignment"],
    "api:annual-assessment-detail": lambda w: w.b["annual_assessment"],
    "supervision:waive": lambda w: w.b["obligation"],
    "supervision:report_detail": lambda w: w.b["report"],
    "supervision:meeting_detail": lambda w: w.b["meeting"],
    "api:monthly-report-detail": lambda w: w.b["report"],
    "api:monthly-report-accept": lambda w: w.b["report"],
    "api:monthly-report-return-": lambda w: w.b["report"],
    "api:monthly-report-submit": lambda w: w.b["report"],
    "api:meeting-detail": lambda w: w.b["meeting"],
    "api:responsibility-letter-detail": lambda w: w.b["letter"],
    "api:major-event-detail": lambda w: w.b["event"],
    "api:person-detail": lambda w: w.b["person"],
    "api:person-open": lambda w: w.b["person"],
    "api:person-move": lambda w: w.b["person"],
    "api:risk-assessment-detail": lambda w: w.b["risk_assessment"],
    "api:control-order-detail": lambda w: w.b["control_order"],
    "api:control-assignment-detail": lambda w: w.b["control_assignment"],
    "api:status-change-detail": lambda w: w.b["status_change"],
    "api:sick-disabled-detail": lambda w: w.b["sick_disabled"],
    "api:urine-test-detail": lambda w: w.b["urine_test"],
    "api:relapse-report-detail": lambda w: w.b["relapse_report"],
    "api:relapse-report-accept": lambda w: w.b["relapse_report"],
    "api:relapse-report-check": lambda w: w.b["relapse_report"],
    "api:relapse-report-close": lambda w: w.b["relapse_report"],
    "api:leave-request-detail": lambda w: w.b["leave"],
    "api:leave-request-approve": lambda w: w.b["leave"],
    "api:leave-request-refuse": lambda w: w.b["leave"],
    "api:leave-request-extend": lambda w: w.b["leave"],
    "api:leave-request-return": lambda w: w.b["leave"],
    "api:follow-up-detail": lambda w: w.b["follow_up"],
    "api:follow-up-close": lambda w: w.b["follow_up"],
    "api:contact-detail": lambda w: w.b["contact"],
    "api:residence-change-detail": lambda w: w.b["move"],
    "api:residence-change-report": lambda w: w.b["move"],
    "control:relapse_detail": lambda w: w.b["relapse_report"],
    "control:kpi_people": lambda w: w.township_b,
    "control:person_detail": lambda w: w.b["person"],
    "control:person_edit": lambda w: w.b["person"],
    "control:person_status": lambda w: w.b["person"],
    "control:person_move": lambda w: w.b["person"],
    "control:person_finding": lambda w: w.b["person"],
    "control:person_risk": lambda w: w.b["person"],
    "control:person_assign": lambda w: w.b["person"],
    "control:person_order": lambda w: w.b["person"],
    "control:person_test": lambda w: w.b["person"],
    "control:person_leave": lambda w: w.b["person"],
    "control:person_sick": lambda w: w.b["person"],
    "control:person_abstinence": lambda w: w.b["person"],
    "control:person_contact": lambda w: w.b["person"],
    "control:move_report": lambda w: w.b["move"],
    "control:assignment_end": lambda w: w.b["control_assignment"],
    "control:order_report": lambda w: w.b["control_order"],
    "control:order_end": lambda w: w.b["control_order"],
    "control:order_resume": lambda w: w.b["control_order"],
    "control:order_extend": lambda w: w.b["control_order"],
    "control:leave_decide": lambda w: w.b["leave"],
    "control:leave_extend": lambda w: w.b["leave"],
    "control:leave_return": lambda w: w.b["leave"],
    "control:sick_admission": lambda w: w.b["sick_disabled"],
    "control:followup_close": lambda w: w.b["follow_up"],
}
# Text that only township B's records contain.
OUTSIDER_MARKERS = ("乙乡", "乙一村", "钱测试", "乙乡派出所")
# Parameterless URLs that are not pages (they serve files or schemas, not records).
NOT_RECORD_PAGES = {"api:schema", "api-docs", "schema", "javascript-catalog"}


@pytest.fixture
def world(world):
    """The shared world plus township B's records of every kind that has a page."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from jindu.core.services import attach
    from jindu.rectification import services
    from jindu.supervision.models import Obligation

    leader, office = world.users["leader"], world.users["office_admin"]
    application = services.submit_application(
        world.users["township_b"],
        org_unit=world.township_b,
        kind="list",
        year=2018,
        level="key_supervision",
        categories=["drug_abuse"],
        reasons="乙乡申报",
    )
    attachment = attach(office, application, [SimpleUploadedFile("乙乡材料.pdf", b"%PDF-1.4")])[0]
    decision = services.record_decision(
        leader,
        kind="list",
        date=datetime.date(2018, 6, 1),
        decision_no="乙1号",
        org_unit=world.township_b,
        level="key_supervision",
        categories=["drug_abuse"],
        source="application",
        application=application,
    )
    designation = decision.designation
    assessment = services.record_assessment(
        office,
        designation=designation,
        date=datetime.date(2018, 9, 1),
        conditions={"leadership": True},
    )
    evaluation = services.record_evaluation(
        office,
        org_unit=world.township_b,
        year=2018,
        date=datetime.date(2018, 12, 1),
        methods=["field_visit"],
        recorded={"public_satisfaction": 70},
        recommendation="continue",
    )
    from jindu.accountability import services as accountability
    from jindu.accountability.models import AccountabilityAction

    inspection = accountability.record_inspection(
        office,
        designation=designation,
        date=datetime.date(2018, 10, 1),
        inspectors="检查组",
        findings="乙乡检查发现",
        follow_ups=[("乙乡整改事项", None)],
    )
    assignment = accountability.assign_assistance(
        office,
        designation=designation,
        member_unit=world.member_unit,
        role="paired",
        start_date=datetime.date(2018, 7, 1),
    )
    annual = accountability.record_annual_assessment(
        office, org_unit=world.township_b, year=2018, result="fail"
    )
    from jindu.supervision import reporting

    report = reporting.save_report(
        world.users["township_b"],
        kind="monthly_work_report",
        org_unit=world.township_b,
        period="2018-09",
        data={"work_done": "乙乡月报", "next_plan": "乙乡计划"},
    )
    meeting = reporting.record_meeting(
        office,
        date=datetime.date(2018, 9, 1),
        title="乙乡例会",
        minutes="乙乡",
        attendees=[],
        decisions=[],
    )
    letter = reporting.record_letter(
        office,
        year=2018,
        upper_unit=world.township_b,
        lower_unit=world.village_b,
        signed_on=datetime.date(2018, 3, 1),
    )
    event = reporting.report_major_event(
        world.users["township_b"],
        org_unit=world.township_b,
        occurred_at=datetime.datetime(2018, 9, 1, 10, 0, tzinfo=datetime.UTC),
        title="乙乡事件",
        description="乙乡",
    )
    from jindu.accounts import services as accounts
    from jindu.control import orders as control_orders
    from jindu.control import relapse
    from jindu.control import rules as control_rules
    from jindu.control import services as control

    township_b = world.users["township_b"]
    person = control.register_person(
        township_b,
        name="钱测试乙",
        gender="male",
        id_number="43042119900101" + "101" + control_rules.check_digit("43042119900101101"),
        residence_unit=world.grid_b,
        first_found_date=datetime.date(2018, 5, 1),
        household_address="乙乡乙一村",
    )
    grid_b = accounts.create_user(
        None,
        username="grid_b",
        password="Test-password-2026",
        role="grid_worker",
        unit=world.grid_b,
    )
    world.b_control = {
        "person": person,
        "risk_assessment": control.assess_risk(
            township_b, person, date=datetime.date(2018, 6, 1), level="high", factors=["乙乡"]
        ),
        "control_order": control_orders.record_order(
            township_b, person, kind="community_detox", decision_date=datetime.date(2018, 6, 1)
        ),
        "control_assignment": control.assign(
            township_b,
            person,
            responsible_name="钱测试",
            responsible_role="social_worker",
            start_date=datetime.date(2018, 6, 1),
        ),
        "status_change": person.status_changes.get(),
        "sick_disabled": control.flag_sick_disabled(
            township_b, person, condition="乙乡病残", identified_date=datetime.date(2018, 7, 1)
        ),
        "urine_test": control_orders.record_test(
            township_b, person, date=datetime.date(2018, 7, 1), result="negative"
        ),
        "relapse_report": relapse.submit_relapse_report(
            grid_b,
            subject="乙乡某人",
            place="乙一村",
            observed_on=datetime.date(2018, 7, 1),
            observation="乙乡",
        ),
    }
    from jindu.control import followups as control_followups
    from jindu.control import leave as control_leave

    world.b_control["leave"] = control_leave.request_leave(
        township_b,
        person,
        from_date=datetime.date(2018, 7, 10),
        to_date=datetime.date(2018, 7, 20),
        destination="乙乡外出",
    )
    world.b_control["follow_up"] = control_followups.raise_follow_up(
        township_b, person, kind="test_result", key="outsider:b", reason="乙乡跟进"
    )
    from jindu.control import contacts as control_contacts

    world.b_control["move"] = control.move_residence(
        township_b, person, residence_unit=world.village_b, date=datetime.date(2018, 8, 1)
    )
    world.b_control["contact"] = control_contacts.record_contact(
        township_b, person, date=datetime.date(2018, 8, 2), kind="visit", summary="乙乡走访"
    )
    world.b = {
        **world.b_control,
        "report": report,
        "meeting": meeting,
        "letter": letter,
        "event": event,
        "action": AccountabilityAction.objects.filter(org_unit=world.township_b).first(),
        "inspection": inspection,
        "assignment": assignment,
        "annual_assessment": annual,
        "application": application,
        "attachment": attachment,
        "decision": decision,
        "designation": designation,
        "assessment": assessment,
        "evaluation": evaluation,
        "obligation": Obligation.objects.filter(org_unit=world.township_b).first(),
    }
    return world


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}" if pattern.name else None,
                prefix + str(pattern.pattern),
            )


def concrete(route: str, pk: int | None) -> str | None:
    """Turn a route (path or regex) into a URL, with ``pk`` for its one parameter."""
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    if "(?P<format>" in route or "<drf_format_suffix" in route:
        return None  # format-suffix duplicates of the same views
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
    if params and pk is None:
        return None
    url = re.sub(r"\(\?P<\w+>[^)]*\)", str(pk), route)
    url = re.sub(r"<(?:\w+:)?\w+>", str(pk), url)
    return "/" + url.lstrip("/")


def all_routes():
    return [(name, route) for name, route in walk() if not route.startswith("static")]


def test_every_url_with_an_object_is_covered(world):
    uncovered = []
    for name, route in all_routes():
        if ("<" in route or "(?P<pk>" in route) and "format" not in route:
            if name not in OUTSIDER_OBJECTS:
                uncovered.append((name, route))
    assert not uncovered, f"add these URLs to OUTSIDER_OBJECTS: {uncovered}"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_outsider_objects_are_invisible_and_untouchable(world, client, api_as, method):
    township_user = world.users["township_a"]
    client.force_login(township_user)
    api = api_as(township_user)
    before = AuditEvent.objects.count()
    checked = 0
    for name, route in all_routes():
        if name not in OUTSIDER_OBJECTS:
            continue
        url = concrete(route, OUTSIDER_OBJECTS[name](world).pk)
        if url is None:
            continue
        agent = api if url.startswith("/api/") else client
        response = (
            getattr(agent, method)(url, data={"name": "改名", "holder_name": "x"}, format="json")
            if agent is api
            else getattr(agent, method)(url, data={"name": "改名", "holder_name": "x"})
        )
        assert response.status_code in (403, 404, 405), (method, url, response.status_code)
        if response.status_code == 403:
            # Only for a whole section the role may not use: the same answer for an id that
            # does not exist, so the 403 says nothing about township B.
            missing = concrete(route, 987654)
            again = getattr(agent, method)(missing)
            assert again.status_code == 403, (method, url)
        if response.status_code == 404 or method == "get":
            body = response.content.decode()
            assert not any(m in body for m in OUTSIDER_MARKERS), (method, url)
        checked += 1
    assert checked >= len(OUTSIDER_OBJECTS)
    assert AuditEvent.objects.count() == before, "an outsider request changed something"


def test_list_pages_and_endpoints_show_no_outsider_records(world, client, api_as):
    township_user = world.users["township_a"]
    client.force_login(township_user)
    api = api_as(township_user)
    probes = [
        "",
        f"?parent={world.township_b.pk}",
        f"?org_unit={world.township_b.pk}",
        "?q=乙",
        "?history=on&level=township",
    ]
    pages = 0
    for name, route in all_routes():
        if name in NOT_RECORD_PAGES or name in OUTSIDER_OBJECTS:
            continue
        url = concrete(route, None)
        if url is None or name is None:
            continue
        for probe in probes:
            agent = api if url.startswith("/api/") else client
            response = agent.get(url + probe)
            assert response.status_code in (200, 302, 400, 403, 404, 405), (
                url,
                response.status_code,
            )
            # Excel exports stream (FileResponse).
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            body = content.decode(errors="replace")
            leaked = [m for m in OUTSIDER_MARKERS if m in body]
            assert not leaked, (url + probe, leaked)
        pages += 1
    assert pages >= 10


def test_outsider_cannot_create_records_in_township_b(world, api_as):
    api = api_as(world.users["township_a"])
    before = AuditEvent.objects.count()
    response = api.post(
        "/api/v1/positions/",
        {
            "org_unit": world.township_b.pk,
            "role": "direct_responsible",
            "holder_name": "某人",
            "start_date": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code in (400, 403, 404)
    assert AuditEvent.objects.count() == before


PUBLIC = {
    "login",
    "healthz",
    "set_language",
    "schema",
    "api-docs",
    "javascript-catalog",
    "api:token",
    "api:api-root",
    None,
}


def test_anonymous_visitors_reach_nothing_but_the_public_pages(world, client, api_client):
    checked = 0
    for name, route in all_routes():
        if name in PUBLIC or (name and name.startswith("favicon")):
            continue
        pk = OUTSIDER_OBJECTS[name](world).pk if name in OUTSIDER_OBJECTS else None
        url = concrete(route, pk)
        if url is None:
            continue
        if url.startswith("/api/"):
            response = api_client.get(url)
            assert response.status_code == 401, (url, response.status_code)
            assert "detail" in response.json()
        else:
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response["Location"], url
        checked += 1
    assert checked > 50
