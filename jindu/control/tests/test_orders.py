"""Orders, tests, leave and breaches through the services: what the law says follows, as
follow-ups and proposals for a person to decide, each with its article."""

import pytest

from jindu.audit.models import AuditEvent
from jindu.control import selectors
from jindu.control.models import ControlOrder, FollowUp, LeaveRequest, Person
from jindu.control.services import followups, orders, registry
from jindu.control.services import leave as leaves
from jindu.core.errors import Conflict, NotAllowed, Refused

from .factories import D, person


@pytest.fixture
def actor(world):
    return world.users["township_a"]


DECIDED, REPORTED = D(2021, 1, 1), D(2021, 1, 10)


def detox(actor, p, *, decision=DECIDED, reported=REPORTED, **extra):
    return orders.record_order(
        actor,
        p,
        kind="community_detox",
        decision_date=decision,
        authority="衡阳县公安局",
        reported_date=reported,
        **extra,
    )


def follow_ups(p):
    return sorted(FollowUp.objects.filter(person=p).values_list("kind", flat=True))


def test_a_community_detox_order_runs_three_years_from_the_report(world, actor):
    p = person(world)
    order = detox(actor, p, agreement_signed_date=D(2021, 1, 12), working_group="王社工、赵民警")
    assert order.term_months == 36
    assert order.report_due == D(2021, 1, 16)
    assert order.expected_end == D(2024, 1, 9)
    assert order.basis[:2] == ["禁毒法第三十三条", "戒毒条例第十四条"]
    assert follow_ups(p) == []
    assert AuditEvent.objects.filter(model="control.ControlOrder").count() == 1


def test_reporting_late_without_a_good_reason_counts_as_refusal(world, actor):
    p = person(world)
    order = detox(actor, p, reported=D(2021, 1, 17))
    assert follow_ups(p) == ["escalation", "report_overdue"]
    proposal = FollowUp.objects.get(person=p, kind="escalation")
    assert proposal.proposal == {
        "to_kind": "compulsory_isolation",
        "grounds": ["refused_community"],
    }
    assert proposal.basis == ["禁毒法第三十八条第一款第（一）项"]
    assert FollowUp.objects.get(kind="report_overdue").basis == ["戒毒条例第十四条"]
    assert order.person.orders.count() == 1  # nothing applied: the proposal waits for a person


def test_a_late_report_with_a_good_reason_is_not_refusal(world, actor):
    p = person(world)
    detox(actor, p, reported=D(2021, 1, 20), late_reason="住院治疗")
    assert follow_ups(p) == []


def test_the_daily_check_finds_orders_never_reported_to(world, actor):
    p = person(world)
    order = detox(actor, p, reported=None)
    assert orders.check_reports(None, D(2021, 1, 16)) == []
    assert orders.check_reports(None, D(2021, 1, 17)) == [order]
    assert orders.check_reports(None, D(2021, 1, 18)) == []  # once
    assert follow_ups(p) == ["escalation", "report_overdue"]
    orders.record_report(actor, order, reported_date=D(2021, 1, 18))
    order.refresh_from_db()
    assert order.expected_end == D(2024, 1, 17)


def test_report_facts_are_checked(world, actor):
    p = person(world)
    with pytest.raises(Refused) as error:
        detox(actor, p, reported=D(2020, 12, 31))
    assert "reported_date" in error.value.errors
    with pytest.raises(Refused):
        detox(actor, p, reported=None, executed_date=D(2021, 1, 5))
    with pytest.raises(Refused) as error:
        orders.record_order(
            actor, p, kind="community_rehab", decision_date=D(2021, 1, 1), term_months=48
        )
    assert error.value.basis == ["禁毒法第四十八条"]
    with pytest.raises(Refused):
        orders.record_order(
            actor,
            p,
            kind="compulsory_isolation",
            decision_date=D(2021, 1, 1),
            executed_date=D(2021, 1, 2),
            not_executed_reason="pregnancy",
        )
    assert ControlOrder.objects.count() == 0


def test_compulsory_isolation_executed_puts_the_person_in_a_facility(world):
    station = world.users["station_a"]
    p = person(world)
    order = orders.record_order(
        station,
        p,
        kind="compulsory_isolation",
        decision_date=D(2020, 3, 1),
        executed_date=D(2020, 3, 2),
    )
    p.refresh_from_db()
    assert (p.status, p.status_since) == ("in_facility", D(2020, 3, 2))
    assert order.expected_end == D(2022, 2, 28)
    with pytest.raises(Conflict) as error:
        orders.end_order(station, order, end_date=D(2021, 2, 27), end_kind="early_release")
    assert error.value.basis == ["禁毒法第四十七条"]
    orders.extend_isolation(station, order, months=6)
    order.refresh_from_db()
    assert order.expected_end == D(2022, 8, 31)
    with pytest.raises(Conflict) as error:
        orders.extend_isolation(station, order, months=7)
    assert error.value.basis == ["禁毒法第四十七条"]
    orders.end_order(station, order, end_date=D(2021, 3, 1), end_kind="early_release")
    p.refresh_from_db()
    assert (p.status, p.status_since) == ("in_society", D(2021, 3, 1))


def test_an_isolation_order_not_executed_records_why(world):
    p = person(world, male=False)
    order = orders.record_order(
        world.users["station_a"],
        p,
        kind="compulsory_isolation",
        decision_date=D(2021, 5, 1),
        not_executed_reason="pregnancy",
    )
    assert "禁毒法第三十九条" in order.basis
    p.refresh_from_db()
    assert p.status == "in_society"


def test_expiry_asks_for_the_township_notice_within_seven_days(world, actor):
    p = person(world)
    order = detox(actor, p, decision=D(2019, 1, 1), reported=D(2019, 1, 10))
    with pytest.raises(Conflict):
        orders.end_order(actor, order, end_date=D(2022, 1, 8), end_kind="expiry")
    orders.end_order(actor, order, end_date=D(2022, 1, 9), end_kind="expiry")
    notice = FollowUp.objects.get(kind="expiry_notice")
    assert notice.due_date == D(2022, 1, 16)
    assert notice.basis == ["戒毒条例第二十三条"]
    with pytest.raises(Refused):
        orders.end_order(actor, order, end_date=D(2022, 1, 10), end_kind="expiry")


def test_suspension_while_detained_and_resumption_after_release(world, actor):
    p = person(world)
    order = detox(actor, p)
    orders.end_order(actor, order, end_date=D(2021, 6, 1), end_kind="suspended", note="刑拘")
    p.refresh_from_db()
    assert p.status == "in_custody"
    resumed = orders.resume_order(actor, order, date=D(2021, 7, 1))
    assert resumed.continues == order
    assert resumed.expected_end == D(2024, 2, 8)  # 30 days of suspension added
    assert "戒毒条例第二十四条" in resumed.basis
    p.refresh_from_db()
    assert p.status == "in_society"
    with pytest.raises(Refused):
        orders.resume_order(actor, order, date=D(2021, 7, 2))


def test_a_positive_test_during_community_detox_proposes_isolation(world, actor):
    p = person(world)
    detox(actor, p)
    test = orders.record_test(actor, p, date=D(2021, 3, 1), result="positive")
    assert test.order is not None
    assert follow_ups(p) == ["escalation", "test_result"]
    proposal = FollowUp.objects.get(kind="escalation")
    assert proposal.basis == ["禁毒法第三十八条第一款第（二）项"]


def test_a_positive_test_after_the_measures_is_relapse(world, actor):
    p = person(world)
    order = detox(actor, p, decision=D(2018, 1, 1), reported=D(2018, 1, 5))
    orders.end_order(actor, order, end_date=D(2021, 1, 4), end_kind="expiry")
    orders.record_test(actor, p, date=D(2021, 6, 1), result="positive", kind="hair")
    proposal = FollowUp.objects.get(kind="escalation")
    assert proposal.basis == ["禁毒法第三十八条第一款第（四）项"]


def test_three_refused_or_missed_tests_are_a_serious_breach(world, actor):
    p = person(world)
    order = detox(actor, p)
    orders.record_test(actor, p, date=D(2021, 2, 1), result="refused")
    orders.record_test(actor, p, date=D(2021, 3, 1), result="missed")
    assert "serious_breach" not in follow_ups(p)
    orders.record_test(actor, p, date=D(2021, 4, 1), result="negative")
    orders.record_test(actor, p, date=D(2021, 5, 1), result="refused")
    breach = FollowUp.objects.get(kind="serious_breach")
    assert breach.basis == ["戒毒条例第二十条", "戒毒条例第二十一条"]
    assert breach.order == order
    assert "公安机关" in breach.reason  # 条例第二十一条: report it to the police
    proposal = FollowUp.objects.get(kind="escalation")
    assert proposal.basis == ["禁毒法第三十八条第一款第（三）项"]
    orders.record_test(actor, p, date=D(2021, 6, 1), result="refused")
    assert FollowUp.objects.filter(kind="serious_breach").count() == 1  # raised once
    assert FollowUp.objects.filter(kind="test_result").count() == 4


def test_leave_of_three_days_needs_approval_and_overdue_leave_counts(world, actor):
    p = person(world)
    detox(actor, p)
    short = leaves.request_leave(actor, p, from_date=D(2021, 2, 1), to_date=D(2021, 2, 2))
    assert short.status == "approved"
    leaves.record_return(actor, short, returned_date=D(2021, 2, 2))
    leave = leaves.request_leave(
        actor, p, from_date=D(2021, 3, 1), to_date=D(2021, 3, 10), destination="广州"
    )
    assert leave.status == "requested"
    with pytest.raises(Refused):
        leaves.decide_leave(actor, leave, approve=False)
    leaves.decide_leave(actor, leave, approve=True)
    leaves.extend_leave(actor, leave, to_date=D(2021, 3, 15))
    leave.refresh_from_db()
    assert (leave.to_date, leave.original_to_date) == (D(2021, 3, 15), D(2021, 3, 10))
    assert leaves.mark_overdue_leaves(None, D(2021, 3, 20)) == 1
    leave.refresh_from_db()
    assert leave.status == "overdue"
    leaves.record_return(actor, leave, returned_date=D(2021, 4, 20))  # 36 days late
    breach = FollowUp.objects.get(kind="serious_breach")
    assert "36" in breach.reason


def test_three_absences_without_approval_are_a_serious_breach(world, actor):
    p = person(world)
    detox(actor, p)
    for month in (2, 3, 4):
        leaves.record_absence(actor, p, from_date=D(2021, month, 1), to_date=D(2021, month, 2))
    assert LeaveRequest.objects.filter(status="unapproved").count() == 3
    assert FollowUp.objects.filter(kind="serious_breach").count() == 1


def test_no_breach_outside_a_community_order(world, actor):
    p = person(world)
    for day in (1, 2, 3):
        orders.record_test(actor, p, date=D(2021, 2, day), result="refused")
    assert "serious_breach" not in follow_ups(p)
    assert orders.check_breach(actor, p, on=D(2021, 2, 3)) is None


def test_three_clean_years_are_proposed_then_confirmed_by_a_person(world, actor):
    p = person(world)
    order = detox(actor, p, decision=D(2017, 1, 1), reported=D(2017, 1, 5))
    orders.end_order(actor, order, end_date=D(2020, 1, 4), end_kind="expiry")
    assert followups.review_abstinence(None, p, on=D(2023, 1, 3)) is None
    with pytest.raises(Conflict) as error:
        followups.confirm_abstinence(actor, p, date=D(2023, 1, 3))
    assert error.value.basis == ["戒毒条例第七条"]
    follow_up = followups.review_abstinence(None, p, on=D(2023, 1, 4))
    assert follow_up.basis == ["戒毒条例第七条"]
    assert followups.review_abstinence(None, p, on=D(2023, 1, 5)) is None  # once
    followups.confirm_abstinence(actor, p, date=D(2023, 2, 1))
    p.refresh_from_db()
    assert p.left_control_on == D(2023, 2, 1)
    follow_up.refresh_from_db()
    assert follow_up.status == "done"


def test_follow_ups_are_closed_by_a_person(world, actor):
    p = person(world)
    test = orders.record_test(actor, p, date=D(2021, 2, 1), result="missed")
    follow_up = test.follow_ups.get()
    with pytest.raises(Refused):
        followups.close_follow_up(actor, follow_up, outcome=" ")
    with pytest.raises(NotAllowed):
        followups.close_follow_up(world.users["township_b"], follow_up, outcome="x")
    followups.close_follow_up(actor, follow_up, outcome="已约谈，补检阴性")
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.closed_by) == ("done", actor)


def test_overdue_tests_are_listed_for_the_township_and_the_responsible_worker(world, actor):
    p = person(world)
    q = person(world, name="李测试")
    detox(actor, p)
    detox(actor, q)
    registry.assign(
        actor,
        p,
        responsible_name="王社工",
        responsible_role="social_worker",
        start_date=D(2021, 1, 10),
        responsible_user=world.users["township_a"],
    )
    orders.record_test(actor, p, date=D(2021, 1, 20), result="negative")
    orders.record_test(actor, q, date=D(2021, 1, 20), result="negative")
    orders.record_test(actor, q, date=D(2021, 2, 20), result="negative")
    listed = selectors.overdue_tests(actor, D(2021, 3, 15))
    assert [s.order.person for s in listed] == [p]
    assert [w.window.number for w in listed[0].overdue] == [2]
    mine = selectors.overdue_tests(actor, D(2021, 3, 15), responsible=world.users["township_a"])
    assert [s.order.person for s in mine] == [p]
    assert selectors.overdue_tests(world.users["township_b"], D(2021, 3, 15)) == []
    assert Person.objects.count() == 2


def test_the_daily_jobs_run_the_checks(world, actor):
    from jindu.control import tasks
    from jindu.core import schedule

    assert "jindu.control.tasks.find_unreported_orders" in schedule.DAILY
    p = person(world)
    detox(actor, p, reported=None)
    leave = leaves.request_leave(actor, p, from_date=D(2021, 3, 1), to_date=D(2021, 3, 5))
    leaves.decide_leave(actor, leave, approve=True)
    assert tasks.find_unreported_orders.call("2021-03-10") == 1
    assert tasks.mark_overdue_leave.call("2021-03-10") == 1


def test_tests_recorded_together_are_the_same_as_one_by_one(world, actor):
    """The loader's bulk path: negatives written together under the order running on their
    day, the others through record_test in their turn (the breach still counts them)."""
    p = person(world)
    order = detox(actor, p)
    recorded = orders.record_tests(
        actor,
        p,
        [
            {"date": D(2021, 1, 5), "result": "negative"},  # before the report: no order
            {"date": D(2021, 2, 1), "result": "refused"},
            {"date": D(2021, 3, 1), "result": "negative", "place": "乡镇禁毒办"},
            {"date": D(2021, 4, 1), "result": "missed"},
            {"date": D(2021, 5, 1), "result": "refused"},
        ],
    )
    assert [t.date for t in recorded] == [D(2021, 1, 5), *(D(2021, m, 1) for m in (2, 3, 4, 5))]
    assert [t.order_id for t in recorded] == [None, *[order.pk] * 4]
    assert recorded[2].place == "乡镇禁毒办"
    assert FollowUp.objects.filter(person=p, kind="serious_breach").count() == 1
    assert FollowUp.objects.filter(kind="test_result").count() == 3
    audited = AuditEvent.objects.filter(model="control.UrineTest", action="create")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(
        str(t.pk) for t in recorded
    )


def test_tests_recorded_together_are_checked_like_one(world, actor):
    p = person(world)
    with pytest.raises(Refused):
        orders.record_tests(actor, p, [{"date": D(2099, 1, 1), "result": "negative"}])
    with pytest.raises(Refused):
        orders.record_tests(actor, p, [{"date": D(2021, 1, 1), "result": ""}])
    with pytest.raises(NotAllowed):
        orders.record_tests(
            world.users["township_b"], p, [{"date": D(2021, 1, 1), "result": "negative"}]
        )
    assert not p.tests.exists()
