"""Enforcement actions through the services: validation in Chinese naming the field,
nothing changed on refusal, scoping, privacy, obligations and notifications."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from jindu.audit.models import AuditEvent
from jindu.control.tests.factories import id_number, person
from jindu.core.errors import Conflict, NotAllowed, Refused
from jindu.core.scoping import VIEW
from jindu.enforcement import services
from jindu.enforcement.models import (
    Case,
    IdentityAccess,
    OutboundTrafficker,
    Suspect,
    Tip,
    Venue,
)
from jindu.supervision.models import Obligation, ObligationKind, ObligationStatus

D = datetime.date
ALL_PASS = {
    "cctv_30_days": True,
    "business_log_60_days": True,
    "warning_signs": True,
    "staff_register": True,
    "patrols": True,
}


def test_a_case_keeps_its_article_and_rule_books(case_a):
    assert case_a.offence_article == "刑法第三百四十七条"
    assert case_a.policy_id == "enforcement-law-2026+hengyang-2018-enforcement"
    assert AuditEvent.objects.filter(model="enforcement.Case", object_id=str(case_a.pk)).exists()


def test_solved_before_filed_is_refused_in_chinese_and_nothing_is_saved(world, police):
    before = Case.objects.count()
    with translation.override("zh-hans"), pytest.raises(Refused) as exc:
        services.record_case(
            police,
            number="X-1",
            kind="criminal",
            offence="trafficking",
            filed_date=D(2025, 3, 2),
            solved_date=D(2025, 3, 1),
            org_unit=world.township_a,
        )
    assert "solved_date" in exc.value.errors
    assert "破案" in str(exc.value.errors["solved_date"][0])
    assert Case.objects.count() == before


def test_unknown_offence_and_duplicate_number_are_refused(world, police, case_a):
    with pytest.raises(Refused) as exc:
        services.record_case(
            police,
            number="X-2",
            kind="criminal",
            offence="piracy",
            filed_date=D(2025, 3, 2),
            org_unit=world.township_a,
        )
    assert "offence" in exc.value.errors
    with pytest.raises(Conflict) as exc:
        services.record_case(
            police,
            number=case_a.number,
            kind="criminal",
            offence="trafficking",
            filed_date=D(2025, 3, 2),
            org_unit=world.township_a,
        )
    assert exc.value.field == "number"


def test_a_station_may_not_record_a_case_in_a_township_it_does_not_cover(world, police):
    with pytest.raises(NotAllowed):
        services.record_case(
            world.users["station_a"],
            number="X-3",
            kind="criminal",
            offence="trafficking",
            filed_date=D(2025, 3, 2),
            org_unit=world.township_b,
        )


def test_townships_and_other_member_units_may_not_record_cases(world, police):
    for name in ("township_a", "member"):
        with pytest.raises(NotAllowed):
            services.record_case(
                world.users[name],
                number=f"X-{name}",
                kind="criminal",
                offence="trafficking",
                filed_date=D(2025, 3, 2),
                org_unit=world.township_a,
            )


def test_who_sees_which_cases(world, police, case_a, case_b):
    def visible(name):
        return set(Case.objects.restrict(world.users[name], VIEW).values_list("pk", flat=True))

    assert visible("gongan") == {case_a.pk, case_b.pk}  # the county police bureau
    assert visible("office_admin") == {case_a.pk, case_b.pk}
    assert visible("leader") == {case_a.pk, case_b.pk}
    assert visible("station_a") == {case_a.pk}
    assert visible("township_a") == {case_a.pk}
    assert visible("township_b") == {case_b.pk}
    assert visible("member") == set()  # 县教育局: nothing here
    assert visible("grid_a") == set()


def test_suspect_with_a_wrong_check_digit_is_refused(world, case_a):
    good = id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(Refused) as exc:
        services.add_suspect(
            world.users["station_a"],
            case_a,
            name="李某",
            gender="male",
            id_number=bad,
            disposal="detained",
        )
    assert "id_number" in exc.value.errors
    assert not Suspect.objects.exists()


def test_suspect_number_is_encrypted_masked_and_links_to_a_registered_user(world, case_a):
    registered = person(world)
    number = registered.id_number
    suspect = services.add_suspect(
        world.users["station_a"],
        case_a,
        name=registered.name,
        gender="male",
        id_number=number,
        household_unit=world.village_a,
        role="principal",
        disposal="arrested",
    )
    assert suspect.person_id == registered.pk
    assert number not in suspect.id_number_encrypted
    assert suspect.id_masked == number[:6] + "********" + number[-4:]
    events = AuditEvent.objects.filter(model="enforcement.Suspect")
    assert events and all(number not in str(e.changes) for e in events)


def test_township_sees_the_suspect_masked_and_cannot_reveal(world, case_a):
    suspect = services.add_suspect(
        world.users["station_a"],
        case_a,
        name="王某",
        gender="male",
        id_number=id_number(),
        disposal="detained",
    )
    assert Suspect.objects.restrict(world.users["township_a"]).filter(pk=suspect.pk).exists()
    with pytest.raises(NotAllowed):
        services.reveal_id_number(world.users["township_a"], suspect, reason="核查")
    number = services.reveal_id_number(world.users["gongan"], suspect, reason="办案")
    assert number == suspect.id_number
    access = IdentityAccess.objects.get()
    assert access.user == world.users["gongan"] and access.reason == "办案"


def test_seizure_weight_must_be_positive_and_is_converted(world, case_a):
    with pytest.raises(Refused) as exc:
        services.add_seizure(world.users["station_a"], case_a, drug_type="heroin", grams=0)
    assert "grams" in exc.value.errors
    seizure = services.add_seizure(
        world.users["station_a"], case_a, drug_type="ketamine", grams="250.5"
    )
    assert seizure.heroin_equivalent_grams == Decimal("25.050")


def test_a_gang_needs_the_countys_minimum_members(world, case_a):
    members = [
        services.add_suspect(
            world.users["station_a"], case_a, name=f"成员{i}", gender="male", disposal="detained"
        )
        for i in range(2)
    ]
    with pytest.raises(Refused) as exc:
        services.add_gang(world.users["station_a"], case_a, name="某团伙", members=members)
    assert exc.value.basis == ["方案一（二）"]
    gang = services.add_gang(
        world.users["station_a"], case_a, name="某团伙", members=members, member_count=4
    )
    assert gang.member_count == 4 and gang.members.count() == 2


def test_outbound_trafficker_scoped_by_household(world, police):
    trafficker = services.record_outbound(
        police,
        name="赵某",
        gender="male",
        id_number=id_number(),
        household_unit=world.village_a,
        arrest_date=D(2025, 6, 1),
        arrest_place="广东省东莞市",
        arresting_agency="东莞市公安局",
        disposal="arrested",
        source="province_request",
        drug_type="methamphetamine",
        grams=30,
    )
    assert trafficker.township == world.township_a
    assert OutboundTrafficker.objects.restrict(world.users["township_a"]).count() == 1
    assert OutboundTrafficker.objects.restrict(world.users["township_b"]).count() == 0
    work = services.add_outbound_work(
        world.users["township_a"],
        trafficker,
        date=D(2025, 7, 1),
        kind="family_visit",
        summary="走访家属",
        by_name="钱干部",
    )
    assert work.pk


def test_planting_found_notifies_the_office(world, police, django_capture_on_commit_callbacks):
    from jindu.supervision.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        services.record_planting(
            world.users["township_a"],
            org_unit=world.township_a,
            date=D(2025, 4, 20),
            species="opium_poppy",
            plants=12,
        )
    assert Notification.objects.filter(user=world.users["office_admin"]).exists()


def _venue(world, grade_checks=None):
    return services.register_venue(
        world.users["station_a"],
        name="金色年华KTV",
        kind="ktv",
        org_unit=world.township_a,
        station=world.station_a,
        licence_no="L-1",
        opened_date=D(2025, 1, 1),
        filed_date=D(2025, 1, 10),
    )


def test_venue_grade_drives_inspection_obligations(world, police):
    venue = _venue(world)
    assert venue.grade == "B"
    duties = Obligation.objects.filter(kind=ObligationKind.VENUE_INSPECTION)
    assert duties.filter(org_unit=world.station_a).count() == 1  # B: monthly by the station
    today = services.today()
    inspection = services.record_inspection(
        world.users["station_a"],
        venue,
        date=today,
        mode="covert",
        inspectors="民警甲、民警乙",
        checks=ALL_PASS,
        users_found=3,
    )
    venue.refresh_from_db()
    assert inspection.grade_after == "C" and venue.grade == "C"
    open_duties = Obligation.objects.filter(
        kind=ObligationKind.VENUE_INSPECTION, status=ObligationStatus.OPEN
    )
    # C: the station twice a month, the county bureau once; this inspection did one.
    assert open_duties.filter(org_unit=world.station_a).count() == 1
    assert open_duties.filter(org_unit=world.police_bureau).count() == 1
    assert Obligation.objects.filter(
        kind=ObligationKind.VENUE_INSPECTION, status=ObligationStatus.FULFILLED
    ).exists()


def test_closure_length_is_bounded_by_the_regulation(world, police):
    venue = _venue(world)
    with pytest.raises(Refused) as exc:
        services.record_sanction(
            world.users["station_a"],
            venue,
            date=services.today(),
            kind="closure_drugs",
            months=1,
            rectify_by=services.today() + datetime.timedelta(days=90),
        )
    assert exc.value.basis == ["娱乐场所管理条例第四十三条"]
    sanction = services.record_sanction(
        world.users["station_a"],
        venue,
        date=services.today(),
        kind="closure_drugs",
        months=3,
        rectify_by=services.today() + datetime.timedelta(days=90),
    )
    follow_up = Obligation.objects.get(kind=ObligationKind.VENUE_RECTIFICATION)
    assert follow_up.org_unit == world.station_a
    services.record_rectified(world.users["station_a"], sanction, date=services.today())
    follow_up.refresh_from_db()
    assert follow_up.status == ObligationStatus.FULFILLED


def _tip(world, **extra):
    data = {
        "received_date": D(2025, 3, 1),
        "channel": "hotline",
        "org_unit": world.township_a,
        "content": "某小区有人聚众吸毒",
        "reporter_name": "匿名群众",
        "reporter_phone": "13900001111",
    }
    data.update(extra)
    return services.receive_tip(world.users["office_admin"], **data)


def test_tip_reporter_is_encrypted_and_shown_to_the_office_alone(world, police):
    tip = _tip(world)
    assert "13900001111" not in tip.reporter_phone_encrypted
    assert Tip.objects.restrict(world.users["township_a"]).count() == 0
    with pytest.raises(NotAllowed):
        services.reveal_reporter(world.users["gongan"], tip, reason="核实")
    shown = services.reveal_reporter(world.users["office_admin"], tip, reason="核实")
    assert shown["reporter_phone"] == "13900001111"
    assert IdentityAccess.objects.filter(subject="tip_reporter").count() == 1


def test_tip_assign_verify_reward_and_deadlines(world, police, case_a):
    tip = _tip(world)
    with pytest.raises(NotAllowed):
        services.assign_tip(world.users["station_a"], tip, station=world.station_a)
    services.assign_tip(world.users["office_admin"], tip, station=world.station_a)
    services.verify_tip(world.users["station_a"], tip, confirmed=True, note="属实", case=case_a)
    tip = services.reward_tip(world.users["office_admin"], tip, quantities={"user_found": 2})
    assert tip.reward_yuan == 1000
    notice = Obligation.objects.get(kind=ObligationKind.TIP_REWARD_NOTICE)
    assert notice.due_date == tip.notify_due > case_a.solved_date
    services.record_reporter_notified(world.users["office_admin"], tip, date=D(2025, 3, 20))
    notice.refresh_from_db()
    assert notice.status == ObligationStatus.FULFILLED
    claim = Obligation.objects.get(kind=ObligationKind.TIP_REWARD_CLAIM)
    assert claim.due_date == D(2025, 5, 20)
    with pytest.raises(Refused):
        services.record_reward_claimed(world.users["office_admin"], tip, date=D(2025, 5, 21))


def test_public_tip_keeps_no_address(world, police, rf):
    tip = services.submit_public_tip(org_unit=world.township_a, content="村后山有人种罂粟")
    assert tip.channel == "web" and not tip.has_reporter
    event = AuditEvent.objects.get(model="enforcement.Tip", object_id=str(tip.pk))
    assert event.actor is None and event.ip is None


def test_venue_needs_a_station_and_a_known_kind(world, police):
    with pytest.raises(Refused) as exc:
        services.register_venue(
            world.users["station_a"],
            name="某会所",
            kind="casino",
            org_unit=world.township_a,
            station=world.station_a,
        )
    assert exc.value.field == "kind"
    assert not Venue.objects.exists()
