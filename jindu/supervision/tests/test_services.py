"""The supervision engine: generation, fulfilment, review, reminders, escalation."""

import datetime

import pytest
from django.core import mail

from jindu.audit.models import AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.orgs import services as orgs
from jindu.supervision import reminders, reporting, services
from jindu.supervision.models import (
    Notification,
    Obligation,
    ObligationStatus,
    ResponsibilityLetter,
)

D = datetime.date
GOOD = {"work_done": "开展禁毒宣传3场", "next_plan": "继续排查", "cases": "2"}


def test_generation_creates_each_units_duties_once(world):
    created = services.generate_obligations(None, D(2024, 9, 10), since=D(2024, 9, 1))
    monthly = Obligation.objects.filter(kind="monthly_work_report", period="2024-09")
    # Two townships and two member units report monthly (Plan 五(二)).
    assert monthly.count() == 4
    assert {o.due_date for o in monthly} == {D(2024, 10, 8)}  # 10-05 was a holiday
    assert monthly.first().basis == ["方案五（二）"]
    assert Obligation.objects.filter(kind="quarterly_meeting", period="2024-Q3").count() == 1
    letters = Obligation.objects.filter(kind="responsibility_letter", period="2024")
    assert letters.filter(org_unit=world.village_a).exists()  # township ↔ village
    assert services.generate_obligations(None, D(2024, 9, 10), since=D(2024, 9, 1)) == 0
    assert created == Obligation.objects.count()


def test_a_monthly_report_is_submitted_returned_resubmitted_and_accepted(world):
    services.generate_obligations(None, D(2024, 9, 10), since=D(2024, 9, 1))
    township = world.users["township_a"]
    report = reporting.save_report(
        township, kind="monthly_work_report", org_unit=world.township_a, period="2024-09", data=GOOD
    )
    assert report.data["cases"] == 2
    reporting.submit_report(township, report)
    duty = Obligation.objects.get(
        kind="monthly_work_report", period="2024-09", org_unit=world.township_a
    )
    assert duty.status in (ObligationStatus.FULFILLED, ObligationStatus.LATE)
    office = world.users["office_admin"]
    with pytest.raises(Refused):
        reporting.review_report(office, report, accept=False, comment="")
    reporting.review_report(office, report, accept=False, comment="请补充尿检数据")
    duty.refresh_from_db()
    assert duty.status in (ObligationStatus.OPEN, ObligationStatus.OVERDUE)
    assert Notification.objects.filter(user=township, text__contains="请补充尿检数据").exists()
    reporting.save_report(
        township,
        kind="monthly_work_report",
        org_unit=world.township_a,
        period="2024-09",
        data={**GOOD, "tests": "15"},
    )
    reporting.submit_report(township, report)
    reporting.review_report(office, report, accept=True)
    report.refresh_from_db()
    assert report.locked
    with pytest.raises(Refused):
        reporting.save_report(
            township,
            kind="monthly_work_report",
            org_unit=world.township_a,
            period="2024-09",
            data=GOOD,
        )
    reporting.unlock_report(office, report, "数据有误，需更正")
    report.refresh_from_db()
    assert not report.locked


def test_a_report_missing_required_fields_is_refused_naming_them(world):
    township = world.users["township_a"]
    report = reporting.save_report(
        township,
        kind="monthly_work_report",
        org_unit=world.township_a,
        period="2024-09",
        data={"cases": "1"},
    )
    with pytest.raises(Refused) as refused:
        reporting.submit_report(township, report)
    assert set(refused.value.errors) == {"work_done", "next_plan"}
    with pytest.raises(Refused):
        reporting.save_report(
            township,
            kind="monthly_work_report",
            org_unit=world.township_a,
            period="2024-09",
            data={"cases": "-1"},
        )


def test_a_unit_cannot_report_for_another(world):
    with pytest.raises(NotAllowed):
        reporting.save_report(
            world.users["township_a"],
            kind="monthly_work_report",
            org_unit=world.township_b,
            period="2024-09",
            data=GOOD,
        )


def test_major_event_notifies_the_office_at_once(world, django_capture_on_commit_callbacks):
    world.users["office_admin"].email = "office@example.org"
    world.users["office_admin"].save()
    with django_capture_on_commit_callbacks(execute=True):
        reporting.report_major_event(
            world.users["township_a"],
            org_unit=world.township_a,
            occurred_at=datetime.datetime(2024, 9, 3, 9, 30, tzinfo=datetime.UTC),
            title="群体吸毒事件",
            description="某出租屋发现5人聚众吸毒",
        )
    assert Notification.objects.filter(
        user=world.users["office_admin"], text__contains="群体吸毒事件"
    ).exists()
    assert mail.outbox and "群体吸毒事件" in mail.outbox[0].subject


def test_meeting_fulfils_the_quarter_and_turns_decisions_into_obligations(world):
    """方案四（四）: 县禁毒委每季度召开1次例会."""
    services.generate_obligations(None, D(2024, 9, 10), since=D(2024, 7, 1))
    meeting = reporting.record_meeting(
        world.users["office_admin"],
        date=D(2024, 9, 20),
        title="第三季度例会",
        minutes="研判毒情",
        attendees=[world.member_unit],
        decisions=[
            ("开展校园禁毒宣传月", world.member_unit, D(2024, 10, 31)),
            ("总体要求", None, None),
        ],
    )
    quarter = Obligation.objects.get(kind="quarterly_meeting", period="2024-Q3")
    assert quarter.status == ObligationStatus.FULFILLED
    task = Obligation.objects.get(kind="meeting_decision", source_id=str(meeting.pk))
    assert task.org_unit == world.member_unit and task.note == "开展校园禁毒宣传月"


def test_letters_recorded_together_fulfil_and_are_checked_as_one_by_one(world):
    """record_letters: the same checks as record_letter, all or nothing, each fulfilling its
    obligation (services.fulfil_many), late when signed after the due date."""
    services.generate_obligations(None, D(2024, 3, 1), since=D(2024, 1, 1))
    township_b = world.village_b.parent
    obligation = Obligation.objects.get(
        kind="responsibility_letter", period="2024", org_unit=world.township_a
    )
    letters = reporting.record_letters(
        world.users["office_admin"],
        year=2024,
        letters=[
            (world.township_a, world.village_a, D(2024, 3, 10)),
            (world.county, world.township_a, obligation.due_date + datetime.timedelta(days=3)),
        ],
    )
    assert len(letters) == 2 and all(letter.pk for letter in letters)
    village = Obligation.objects.get(
        kind="responsibility_letter", period="2024", org_unit=world.village_a
    )
    assert village.status == ObligationStatus.FULFILLED
    assert village.fulfilled_by_id == str(letters[0].pk)
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.LATE
    assert (
        AuditEvent.objects.filter(
            model="supervision.ResponsibilityLetter", object_id__in=[str(x.pk) for x in letters]
        ).count()
        == 2
    )
    count = ResponsibilityLetter.objects.count()
    for bad in (
        [
            (township_b, world.village_b, D(2024, 3, 1)),
            (world.township_a, world.village_b, D(2024, 3, 1)),
        ],
        [
            (township_b, world.village_b, D(2024, 3, 1)),
            (world.township_a, world.village_a, D(2024, 3, 1)),
        ],
    ):
        with pytest.raises(Refused):
            reporting.record_letters(world.users["office_admin"], year=2024, letters=bad)
    assert ResponsibilityLetter.objects.count() == count
    with pytest.raises(NotAllowed):
        reporting.record_letters(
            world.users["township_a"],
            year=2024,
            letters=[(world.county, township_b, D(2024, 3, 1))],
        )


def test_letters_fulfil_and_are_checked(world):
    """方案五（一）、方案四（二）: responsibility letters, county–township and township–village."""
    services.generate_obligations(None, D(2024, 3, 1), since=D(2024, 1, 1))
    reporting.record_letter(
        world.users["township_a"],
        year=2024,
        upper_unit=world.township_a,
        lower_unit=world.village_a,
        signed_on=D(2024, 3, 10),
    )
    assert (
        Obligation.objects.get(
            kind="responsibility_letter", period="2024", org_unit=world.village_a
        ).status
        == ObligationStatus.FULFILLED
    )
    with pytest.raises(Refused):
        reporting.record_letter(
            world.users["office_admin"],
            year=2024,
            upper_unit=world.township_a,
            lower_unit=world.village_b,
            signed_on=D(2024, 3, 10),
        )


def test_reminders_are_sent_once_and_escalate_to_the_first_responsible_person(
    world, django_capture_on_commit_callbacks
):
    orgs.update_position(None, world.position_a, holder_email="secretary@example.org")
    world.users["office_admin"].email = "office@example.org"
    world.users["office_admin"].save()
    services.generate_obligations(None, D(2024, 9, 10), since=D(2024, 9, 1))
    township = world.users["township_a"]
    assert reminders.send_reminders(D(2024, 9, 27)) > 0  # 3 working days before 10-08
    assert reminders.send_reminders(D(2024, 9, 27)) == 0  # the same day again: nothing
    assert Notification.objects.filter(user=township, key__endswith=":before").exists()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(D(2024, 10, 16))  # 6 working days overdue
    escalation = Notification.objects.filter(
        key__endswith=":escalate", text__contains="甲镇"
    ).first()
    assert escalation is not None and "赵测试" in escalation.text
    assert any("secretary@example.org" in m.to for m in mail.outbox)


def test_holiday_arrangement_entered_by_the_office_decides_an_unknown_year(world):
    services.generate_obligations(None, D(2099, 9, 10), since=D(2099, 9, 1))
    unknown = Obligation.objects.filter(period="2099-09").first()
    assert unknown.due_date_known is False
    reporting.save_holidays(
        world.users["office_admin"],
        year=2099,
        text="2099-10-01 休 国庆节\n2099-10-05 休 国庆节\n",
        notice="国办发明电〔2098〕7号",
    )
    services.generate_obligations(None, D(2099, 10, 10), since=D(2099, 10, 1))
    october = Obligation.objects.filter(period="2099-10").first()
    assert october.due_date_known is True
    assert october.due_date == D(2099, 11, 5)
    with pytest.raises(Refused):
        reporting.save_holidays(world.users["office_admin"], year=2099, text="2099-13-40 休")


def test_an_action_plan_obligation_holds_its_campaigns_whole_code(world):
    """方案五（二）: an action plan's period is its campaign's code, which may be as long as a
    campaign code may be (a varchar too short for it fails on PostgreSQL, not on SQLite)."""
    from jindu.supervision.models import Campaign, WorkReport

    longest = Campaign._meta.get_field("code").max_length
    assert Obligation._meta.get_field("period").max_length >= longest
    assert WorkReport._meta.get_field("period").max_length >= longest
    services.generate_obligations(None, D(2018, 6, 30), since=D(2018, 5, 1))
    plans = Obligation.objects.filter(period="2018-key-rectification")
    assert plans.exists()
    for obligation in plans:
        obligation.full_clean()
