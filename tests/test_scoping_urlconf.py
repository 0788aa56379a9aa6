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
def _issued(record):
    from jindu.documents.models import IssuedDocument

    return IssuedDocument.objects.get(source_model=record._meta.label, source_id=str(record.pk))


OUTSIDER_OBJECTS = {
    "orgs:unit_detail": lambda w: w.township_b,
    "orgs:unit_edit": lambda w: w.village_b,
    "orgs:position_create": lambda w: w.township_b,
    "orgs:position_edit": lambda w: w.position_b,
    "accounts:user_edit": lambda w: w.users["township_b"],
    "accounts:user_password": lambda w: w.users["township_b"],
    "accounts:user_otp_reset": lambda w: w.users["township_b"],
    "accounts:token_revoke": lambda w: _token_of(w.users["township_b"]),
    "api:api-token-detail": lambda w: _token_of(w.users["township_b"]),
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
    "documents:file": lambda w: _issued(w.b["decision"]),
    "api:city-listing-detail": lambda w: w.b["city_listing"],
    "api:city-listing-end": lambda w: w.b["city_listing"],
    "api:document-detail": lambda w: _issued(w.b["decision"]),
    "api:document-file": lambda w: _issued(w.b["decision"]),
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
    "orgs:unit_tree_branch": lambda w: w.township_b,
    "job": lambda w: w.b["job"],
    # The picker's parameter is a source name, not an id (its scoping: tests/test_clerk.py).
    "pick": lambda w: w.township_b,
    "enforcement:case_detail": lambda w: w.b["case"],
    "enforcement:case_add": lambda w: w.b["case"],
    "enforcement:suspect_reveal": lambda w: w.b["suspect"],
    "enforcement:outbound_work": lambda w: w.b["trafficker"],
    "enforcement:venue_detail": lambda w: w.b["venue"],
    "enforcement:tip_detail": lambda w: w.b["tip"],
    "enforcement:tip_reporter": lambda w: w.b["tip"],
    "api:case-detail": lambda w: w.b["case"],
    "api:case-suspect-detail": lambda w: w.b["suspect"],
    "api:case-suspect-reveal": lambda w: w.b["suspect"],
    "api:seizure-detail": lambda w: w.b["seizure"],
    "api:case-gang-detail": lambda w: w.b["gang"],
    "api:case-den-detail": lambda w: w.b["den"],
    "api:outbound-trafficker-detail": lambda w: w.b["trafficker"],
    "api:outbound-trafficker-reveal": lambda w: w.b["trafficker"],
    "api:outbound-work-detail": lambda w: w.b["outbound_work"],
    "api:eradication-patrol-detail": lambda w: w.b["patrol"],
    "api:planting-finding-detail": lambda w: w.b["planting"],
    "api:production-incident-detail": lambda w: w.b["production"],
    "api:venue-detail": lambda w: w.b["venue"],
    "api:venue-inspection-detail": lambda w: w.b["inspection_venue"],
    "api:venue-sanction-detail": lambda w: w.b["sanction"],
    "api:venue-sanction-rectified": lambda w: w.b["sanction"],
    "api:tip-detail": lambda w: w.b["tip"],
    "api:tip-assign": lambda w: w.b["tip"],
    "api:tip-verify": lambda w: w.b["tip"],
    "api:tip-reward": lambda w: w.b["tip"],
    "api:tip-notified": lambda w: w.b["tip"],
    "api:tip-claimed": lambda w: w.b["tip"],
    "precursors:enterprise_detail": lambda w: w.b["enterprise"],
    "precursors:enterprise_edit": lambda w: w.b["enterprise"],
    "precursors:entry_create": lambda w: w.b["enterprise"],
    "precursors:licence_create": lambda w: w.b["enterprise"],
    "precursors:inspection_create": lambda w: w.b["enterprise"],
    "precursors:report_create": lambda w: w.b["enterprise"],
    "precursors:reconciliation": lambda w: w.b["enterprise"],
    "precursors:rectified": lambda w: w.b["chemical_inspection"],
    "precursors:flag_close": lambda w: w.b["precursor_flag"],
    "precursors:chemical_edit": lambda w: w.b["no_chemical"],
    "precursors:kpi_enterprises": lambda w: w.township_b,
    "api:chemical-detail": lambda w: w.b["no_chemical"],
    "api:enterprise-detail": lambda w: w.b["enterprise"],
    "api:chemical-licence-detail": lambda w: w.b["chemical_licence"],
    "api:ledger-entry-detail": lambda w: w.b["ledger_entry"],
    "api:precursor-flag-detail": lambda w: w.b["precursor_flag"],
    "api:precursor-flag-close": lambda w: w.b["precursor_flag"],
    "api:chemical-inspection-detail": lambda w: w.b["chemical_inspection"],
    "api:precursor-annual-report-detail": lambda w: w.b["precursor_annual_report"],
    "prevention:activity_detail": lambda w: w.b["prevention"]["activity"],
    "prevention:school_detail": lambda w: w.b["prevention"]["school"],
    "prevention:class_detail": lambda w: w.b["prevention"]["class"],
    # The poster's township is B's (the survey itself is the county's, below).
    "prevention:survey_poster": lambda w: w.township_b,
    # The public answer page takes a signed token: a bare id is not one (404).
    "prevention:survey_answer": lambda w: w.b["prevention"]["survey"],
    "api:prevention-activity-detail": lambda w: w.b["prevention"]["activity"],
    "api:prevention-fixture-detail": lambda w: w.b["prevention"]["fixture"],
    "api:liaison-detail": lambda w: w.b["prevention"]["liaison"],
    "api:population-detail": lambda w: w.b["prevention"]["population"],
    "api:school-detail": lambda w: w.b["prevention"]["school"],
    "api:school-class-detail": lambda w: w.b["prevention"]["class"],
    "api:lesson-detail": lambda w: w.b["prevention"]["lesson"],
    "api:school-record-detail": lambda w: w.b["prevention"]["record"],
    "api:survey-response-detail": lambda w: w.b["prevention"]["response"],
}
# County-wide definitions every jurisdiction reads (a survey's questions and period): the
# outsider reaches them, but nothing of township B's shows through them.
SHARED_OBJECTS = {
    "prevention:survey_detail": lambda w: w.b["prevention"]["survey"],
    "prevention:survey_entry": lambda w: w.b["prevention"]["survey"],
    "api:survey-detail": lambda w: w.b["prevention"]["survey"],
    "api:survey-results": lambda w: w.b["prevention"]["survey"],
    # A census round is the county's: what it shows of township B (its enterprise among the
    # missing, in the counts) is scoped.
    "precursors:round_detail": lambda w: w.b["inspection_round"],
    "api:inspection-round-detail": lambda w: w.b["inspection_round"],
    "api:inspection-round-missing": lambda w: w.b["inspection_round"],
}


def _token_of(user):
    # Made directly (not through the service) so that no audit row is written mid-walk.
    import datetime
    import secrets

    from django.utils import timezone

    from jindu.accounts.models import ApiToken

    return ApiToken.objects.filter(user=user).first() or ApiToken.objects.create(
        user=user,
        name="乙乡令牌",
        key_hash=secrets.token_hex(32),
        prefix="b-token",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )


# The cockpit (indicators): township B's warning, its proposal and its briefing; a target's
# series and list take township B as ``org_unit`` in their own tests (404 there too).
OUTSIDER_OBJECTS.update(
    {
        "indicators:action_decide": lambda w: w.b["indicators"]["action"],
        "indicators:briefing_document": lambda w: w.b["indicators"]["briefing"],
        "api:warning-detail": lambda w: w.b["indicators"]["warning"],
        "api:briefing-detail": lambda w: w.b["indicators"]["briefing"],
        "api:briefing-document": lambda w: w.b["indicators"]["briefing"],
        "api:kpi-series": lambda w: w.township_b,
        "api:kpi-items": lambda w: w.township_b,
    }
)
# Text that only township B's records contain.
OUTSIDER_MARKERS = ("乙乡", "乙一村", "钱测试", "乙乡派出所")
# Parameterless URLs that are not pages (they serve files or schemas, not records).
NOT_RECORD_PAGES = {"api:schema", "api-docs", "schema", "javascript-catalog", "public_tip"}


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
        evidence={"leadership": "镇党委会议纪要"},
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
    from jindu.control import rules as control_rules
    from jindu.control.services import orders as control_orders
    from jindu.control.services import registry as control
    from jindu.control.services import relapse

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
    from jindu.control.services import followups as control_followups
    from jindu.control.services import leave as control_leave

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
    from jindu.control.services import contacts as control_contacts

    world.b_control["move"] = control.move_residence(
        township_b, person, residence_unit=world.village_b, date=datetime.date(2018, 8, 1)
    )
    world.b_control["contact"] = control_contacts.record_contact(
        township_b, person, date=datetime.date(2018, 8, 2), kind="visit", summary="乙乡走访"
    )
    from jindu.core.models import BackgroundJob

    world.b_enforcement = _enforcement_records(world)
    world.b_prevention = _prevention_records(world)
    world.b = {
        **world.b_control,
        **world.b_enforcement,
        "prevention": world.b_prevention,
        "job": BackgroundJob.objects.create(kind="control.roster", user=world.users["township_b"]),
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
        "city_listing": accountability.record_city_listing(
            office,
            org_unit=world.township_b,
            level="city_key_supervision",
            document_no="衡市禁毒委〔2018〕5号",
            date=datetime.date(2018, 9, 1),
        ),
        "indicators": _indicator_records(world),
    }
    from jindu.precursors.tests import factories as precursor_factories

    world.b.update(precursor_factories.outsider_records(world))
    return world


def _indicator_records(world):
    """Township B's warning of a month, the proposal it raised and a briefing about it."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from jindu.indicators.models import Briefing, WarningAction, WarningRecord

    warning = WarningRecord.objects.create(
        org_unit=world.township_b,
        period="2018-07",
        score=70.0,
        level="red",
        contributions=[
            {
                "indicator": "newly_found",
                "name": "乙乡",
                "kind": "objective",
                "value": 3.0,
                "weight": 1.0,
                "points": 70.0,
            }
        ],
        basis=["第四条"],
        policy_id="hengyang-2018-targets",
        computed_at=timezone.now(),
    )
    action = WarningAction.objects.create(
        warning=warning, kind="interview_proposal", status="open", basis=["第四条"]
    )
    briefing = Briefing(
        kind="quarterly_situation",
        period="2018-Q3",
        org_unit=world.township_b,
        number="乙乡通〔2018〕1号",
        issued_on=datetime.date(2018, 10, 10),
        issuer="乙乡",
        sha256="0" * 64,
        policy_id="hengyang-2018-targets",
    )
    briefing.document.save("b.docx", ContentFile("乙乡".encode()), save=False)
    briefing.save()
    return {"warning": warning, "action": action, "briefing": briefing}


def _enforcement_records(world):
    """Township B's enforcement records, of every kind with a page or an endpoint."""
    import datetime

    from jindu.control import rules as control_rules
    from jindu.enforcement import services as enforcement

    day = datetime.date(2025, 3, 1)
    case = enforcement.record_case(
        None,
        number="乙乡案件1号",
        kind="criminal",
        offence="trafficking",
        filed_date=day,
        solved_date=day,
        org_unit=world.township_b,
        handling_unit=world.station_b,
        notes="乙乡",
    )
    suspects = [
        enforcement.add_suspect(
            None,
            case,
            name=f"乙乡嫌疑人{i}",
            gender="male",
            disposal="detained",
            household_unit=world.village_b,
        )
        for i in range(3)
    ]
    venue = enforcement.register_venue(
        None, name="乙乡宾馆", kind="hotel", org_unit=world.township_b, station=world.station_b
    )
    inspection = enforcement.record_inspection(
        None, venue, date=day, mode="open", inspectors="乙乡派出所", checks={}
    )
    trafficker = enforcement.record_outbound(
        None,
        name="乙乡外流",
        gender="male",
        id_number="43042119850101" + "203" + control_rules.check_digit("43042119850101203"),
        household_unit=world.village_b,
        arrest_date=day,
        arrest_place="乙乡外省",
        arresting_agency="乙乡外省公安",
        disposal="arrested",
        source="bulletin",
    )
    patrol = enforcement.record_patrol(
        None, org_unit=world.township_b, date=day, area="乙乡后山", area_covered_mu=10
    )
    return {
        "case": case,
        "suspect": suspects[0],
        "seizure": enforcement.add_seizure(None, case, drug_type="heroin", grams=1),
        "gang": enforcement.add_gang(None, case, name="乙乡团伙", members=suspects),
        "den": enforcement.add_den(None, case, kind="use", place="乙乡窝点"),
        "venue": venue,
        "inspection_venue": inspection,
        "sanction": enforcement.record_sanction(
            None, venue, date=day, kind="rectify", rectify_by=day + datetime.timedelta(days=30)
        ),
        "trafficker": trafficker,
        "outbound_work": enforcement.add_outbound_work(
            None, trafficker, date=day, kind="family_visit", summary="乙乡走访", by_name="乙乡"
        ),
        "patrol": patrol,
        "planting": enforcement.record_planting(
            None,
            org_unit=world.township_b,
            date=day,
            species="opium_poppy",
            plants=5,
            place="乙乡",
        ),
        "production": enforcement.record_production(
            None, org_unit=world.township_b, date=day, place="乙乡", description="乙乡加工点"
        ),
        "tip": enforcement.receive_tip(
            None,
            received_date=day,
            channel="hotline",
            org_unit=world.township_b,
            content="乙乡有人吸毒",
            reporter_name="乙乡群众",
        ),
    }


def _prevention_records(world):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from jindu.prevention import services as prevention

    township_b, member = world.users["township_b"], world.users["member"]
    school = prevention.register_school(
        member, name="乙乡中学", org_unit=world.township_b, stage="junior"
    )
    school_class = prevention.add_class(
        member, school=school, school_year="2019-2020", grade=7, name="乙乡七(1)班"
    )
    # The school persona (学校账号): township A's school, bound to its own login.
    school_a = prevention.register_school(
        member, name="甲镇中学", org_unit=world.township_a, stage="junior"
    )
    prevention.add_class(member, school=school_a, school_year="2019-2020", grade=8, name="八(1)班")
    account = prevention.create_school_account(
        member, school=school_a, username="school_a", password="Test-password-2026"
    )
    from jindu.accounts.models import User

    # It changed its initial password and the office granted it the API (as for township A).
    User.objects.filter(pk=account.user.pk).update(api_access=True, must_change_password=False)
    account.user.refresh_from_db()
    world.users["school"] = account.user
    survey = prevention.create_survey(
        world.users["office_admin"],
        title="满意度调查",
        period_start=datetime.date(2019, 1, 1),
        period_end=datetime.date(2019, 12, 31),
    )
    return {
        "activity": prevention.record_activity(
            township_b,
            kind="lecture",
            date=datetime.date(2019, 6, 20),
            org_unit=world.village_b,
            headcount=30,
            description="乙乡讲座",
        ),
        "fixture": prevention.record_fixture(
            township_b,
            kind="window",
            org_unit=world.village_b,
            location="乙一村村部",
            photographed_on=datetime.date(2019, 3, 1),
            photos=[SimpleUploadedFile("乙乡橱窗.jpg", b"jpg")],
        ),
        "liaison": prevention.appoint_liaison(
            township_b,
            org_unit=world.village_b,
            name="钱测试",
            start_date=datetime.date(2019, 1, 1),
        ),
        "population": prevention.set_population(
            None, org_unit=world.township_b, year=2019, kind="registered", count=9000, source="乙乡"
        ),
        "school": school,
        "class": school_class,
        "lesson": prevention.record_lesson(
            member,
            school_class=school_class,
            date=datetime.date(2019, 10, 1),
            hours=1,
            topic="乙乡课",
            teacher_name="钱测试",
        ),
        "record": prevention.record_school_activity(
            member,
            school=school,
            kind="five_ones",
            date=datetime.date(2019, 10, 1),
            title="乙乡五个一",
        ),
        "survey": survey,
        "response": prevention.submit_response(
            township_b,
            survey=survey,
            org_unit=world.township_b,
            answers={"overall": 5, "safety": 4, "publicity_seen": 2, "know_report": 2},
            channel="paper",
            on=datetime.date(2019, 6, 1),
        ),
    }


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
            if name not in OUTSIDER_OBJECTS and name not in SHARED_OBJECTS:
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
        if name in NOT_RECORD_PAGES or name in OUTSIDER_OBJECTS or name in SHARED_OBJECTS:
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
    "public_tip",
    "login",
    "healthz",
    "set_language",
    "javascript-catalog",
    "api:token",
    "api:api-root",
    # The survey's answer page: residents answer without an account (the token is signed).
    "prevention:survey_answer",
    None,
}


def test_anonymous_visitors_reach_nothing_but_the_public_pages(world, client, api_client):
    checked = 0
    for name, route in all_routes():
        if name in PUBLIC or (name and name.startswith("favicon")):
            continue
        objects = {**OUTSIDER_OBJECTS, **SHARED_OBJECTS}
        pk = objects[name](world).pk if name in objects else None
        url = concrete(route, pk)
        if url is None:
            continue
        if url.startswith("/api/"):
            # The schema answers in its own media type unless JSON is asked for.
            accept = {"HTTP_ACCEPT": "application/json"} if name == "schema" else {}
            response = api_client.get(url, **accept)
            assert response.status_code == 401, (url, response.status_code)
            if name != "api-docs":  # an HTML page, behind login in production
                assert "detail" in response.json()
        else:
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response["Location"], url
        checked += 1
    assert checked > 50


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_shared_definitions_show_nothing_of_township_b(world, client, api_as, method):
    township_user = world.users["township_a"]
    client.force_login(township_user)
    api = api_as(township_user)
    before = AuditEvent.objects.count()
    for name, route in all_routes():
        if name not in SHARED_OBJECTS:
            continue
        url = concrete(route, SHARED_OBJECTS[name](world).pk)
        if url is None:
            continue
        agent = api if url.startswith("/api/") else client
        response = getattr(agent, method)(url, data={"title": "改名"})
        assert response.status_code in (200, 302, 400, 403, 404, 405), (method, url)
        body = response.content.decode()
        assert not any(m in body for m in OUTSIDER_MARKERS), (method, url)
    assert AuditEvent.objects.count() == before, "an outsider request changed something"
