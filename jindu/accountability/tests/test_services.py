"""Listing consequences are proposed, never applied; people confirm or reject them."""

import datetime

import pytest

from jindu.accountability import services
from jindu.accountability.models import AccountabilityAction, ActionStatus
from jindu.core.errors import NotAllowed, Refused
from jindu.orgs import services as orgs
from jindu.rectification import services as rectification
from jindu.supervision.models import Obligation, ObligationStatus

D = datetime.date


LISTED_ON = D(2021, 6, 1)


def list_a(world, level="key_rectification", date=LISTED_ON):
    return rectification.record_decision(
        world.users["leader"],
        kind="list",
        date=date,
        decision_no="1号",
        org_unit=world.township_a,
        level=level,
        categories=["drug_abuse"],
        source="office_proposal",
    ).designation


def kinds(designation):
    return sorted(
        AccountabilityAction.objects.filter(designation=designation).values_list("kind", flat=True)
    )


def test_a_key_rectification_listing_proposes_what_articles_29_and_30_say(world):
    # 赵测试 has been first responsible since 2019-03-01: over two years before the listing.
    orgs.appoint(
        None,
        org_unit=world.township_a,
        role="direct_responsible",
        holder_name="孙新任",
        start_date=D(2020, 9, 1),
    )
    listing = list_a(world)
    assert kinds(listing) == sorted(
        [
            "criticism",
            "rectification_order",
            "interview",
            "interview",
            "award_ineligibility",
            "promotion_restriction",
            "promotion_restriction",
            "discipline",
        ]
    )
    discipline = AccountabilityAction.objects.get(designation=listing, kind="discipline")
    assert discipline.position == world.position_a
    assert discipline.basis == ["第三十条（三）"]
    assert all(
        a.status == ActionStatus.PROPOSED
        for a in AccountabilityAction.objects.filter(designation=listing)
    )


def test_deadline_check_proposes_extension_and_discipline_once(world):
    listing = list_a(world, level="key_supervision", date=D(2019, 6, 1))
    first = services.check_deadlines(None, D(2020, 6, 2))
    assert sorted(a.kind for a in first) == ["discipline", "period_extension"]
    assert services.check_deadlines(None, D(2020, 6, 3)) == []  # idempotent
    rectification.record_decision(
        world.users["leader"],
        kind="extend",
        notes="特殊情况：专项打击尚未结束",
        date=D(2020, 6, 5),
        decision_no="2号",
        designation=listing,
    )
    later = services.check_deadlines(None, D(2021, 6, 2))
    assert [a.kind for a in later] == ["demotion_or_dismissal"]


def test_office_confirms_with_a_document_number_or_rejects_with_a_reason(world):
    listing = list_a(world)
    interview = AccountabilityAction.objects.filter(designation=listing, kind="interview").first()
    office = world.users["office_admin"]
    with pytest.raises(Refused):
        services.decide_action(
            office, interview, confirm=True, reason="依第二十九条", decision_no=""
        )
    services.decide_action(
        office,
        interview,
        confirm=True,
        reason="依第二十九条约谈",
        decision_no="衡禁毒办〔2021〕5号",
        decided_on=D(2021, 6, 10),
    )
    interview.refresh_from_db()
    assert interview.status == ActionStatus.CONFIRMED
    assert interview.decision_no == "衡禁毒办〔2021〕5号"
    with pytest.raises(Refused):
        services.decide_action(office, interview, confirm=False, reason="改变主意")
    with pytest.raises(NotAllowed):
        services.decide_action(
            world.users["leader"],
            AccountabilityAction.objects.filter(status="proposed").first(),
            confirm=False,
            reason="x",
        )


def test_eligibility_of_the_township_and_its_secretary(world):
    list_a(world)
    unit = services.eligibility_of_unit(world.township_a, D(2021, 11, 1))
    assert unit.award is False
    assert unit.reasons[0][1] == ("第三十条（一）",)
    assert services.eligibility_of_unit(world.township_a, D(2022, 1, 1)).award is True
    person = services.eligibility_of_position(world.position_a, D(2021, 11, 1))
    assert (person.award, person.promotion) == (False, False)
    restriction = AccountabilityAction.objects.get(
        kind="promotion_restriction", position=world.position_a
    )
    services.decide_action(
        world.users["office_admin"], restriction, confirm=False, reason="经调查该同志履职尽责"
    )
    assert services.eligibility_of_position(world.position_a, D(2021, 11, 1)).promotion is True
    assert services.eligibility_of_position(world.position_b, D(2021, 11, 1)).promotion is True


def test_a_failed_annual_assessment_raises_a_proposal(world):
    """第三十二条: 年度考核不合格的，落实责任追究."""
    assessment = services.record_annual_assessment(
        world.users["office_admin"], org_unit=world.member_unit, year=2020, result="fail"
    )
    action = AccountabilityAction.objects.get(annual_assessment=assessment)
    assert action.kind == "assessment_failure"
    assert action.basis == ["第三十二条"]
    services.record_annual_assessment(
        world.users["office_admin"], org_unit=world.township_b, year=2020, result="pass"
    )
    assert AccountabilityAction.objects.filter(kind="assessment_failure").count() == 1


def test_an_inspection_fulfils_the_yearly_inspection_duty(world):
    listing = list_a(world)
    inspection = services.record_inspection(
        world.users["office_admin"],
        designation=listing,
        date=D(2021, 9, 1),
        inspectors="县禁毒办 张某、李某",
        findings="台账基本完整",
        member_units=[world.member_unit],
        follow_ups=[("补齐吸毒人员台账", D(2021, 10, 1))],
    )
    assert inspection.follow_ups.count() == 1
    duty = Obligation.objects.get(
        kind="annual_inspection", period="2021", source_id=str(listing.pk)
    )
    assert duty.status == ObligationStatus.FULFILLED


def test_party_secretary_duty_is_read_from_positions_not_ticked(world):
    from jindu.accountability import selectors

    office = world.users["office_admin"]
    list_a(world)
    states = {s.code: s for s in selectors.duties_of(office, world.township_a, D(2021, 7, 1))}
    assert states["director_is_party_secretary"].met is False
    orgs.appoint(
        None,
        org_unit=world.township_a,
        role="committee_director",
        holder_name="赵测试",
        start_date=D(2020, 1, 1),
    )
    states = {s.code: s for s in selectors.duties_of(office, world.township_a, D(2021, 7, 1))}
    assert states["director_is_party_secretary"].met is True
    with pytest.raises(Refused) as refused:
        services.record_duty(
            office, org_unit=world.township_a, duty="director_is_party_secretary", met=True
        )
    assert refused.value.basis == ["第二十四条"]
    services.record_duty(
        office,
        org_unit=world.township_a,
        duty="dedicated_funding",
        met=True,
        note="2021年预算列支禁毒经费20万元",
    )
    states = {s.code: s for s in selectors.duties_of(office, world.township_a, D(2021, 7, 1))}
    assert states["dedicated_funding"].met is True
    assert states["monitoring"].met is None


def test_member_unit_sees_and_records_visits_for_its_assignment_only(world):
    """第七条、第二十一条: 重点扶持 through the member units' paired assistance."""
    listing = list_a(world)
    assignment = services.assign_assistance(
        world.users["office_admin"],
        designation=listing,
        member_unit=world.member_unit,
        role="paired",
        start_date=D(2021, 6, 15),
    )
    member = world.users["member"]
    from jindu.accountability.models import AssistanceAssignment

    assert list(AssistanceAssignment.objects.restrict(member)) == [assignment]
    services.record_visit(
        member, assignment=assignment, date=D(2021, 7, 1), content="开展禁毒宣传进校园"
    )
    with pytest.raises(NotAllowed):
        services.record_visit(
            world.users["township_b"], assignment=assignment, date=D(2021, 7, 1), content="越权"
        )
