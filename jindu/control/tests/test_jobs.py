"""The daily jobs of the control area and who hears about a follow-up."""

import datetime

import pytest

from jindu.control import tasks
from jindu.control.models import FollowUp
from jindu.control.services import orders, registry
from jindu.control.tests.factories import person
from jindu.core.errors import NotAllowed
from jindu.supervision.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date


def _ended_detox(actor, p, ended):
    order = orders.record_order(
        actor, p, kind="community_detox", decision_date=D(2017, 1, 1), reported_date=D(2017, 1, 5)
    )
    orders.end_order(actor, order, end_date=ended, end_kind="expiry")


def test_the_daily_job_puts_three_clean_years_to_a_person_once(world):
    actor = world.users["township_a"]
    clean, recent = person(world, name="甲"), person(world, name="乙")
    _ended_detox(actor, clean, D(2020, 1, 4))
    _ended_detox(actor, recent, D(2022, 6, 1))
    assert tasks.review_three_clean_years.call("2023-01-04") == 1
    assert list(FollowUp.objects.filter(kind="abstinence").values_list("person", flat=True)) == [
        clean.pk
    ]
    assert tasks.review_three_clean_years.call("2023-01-05") == 0  # not twice


def test_a_follow_up_notifies_the_township_and_the_responsible_worker_without_naming_anyone(
    world,
):
    actor = world.users["township_a"]
    p = person(world, name="王某某")
    registry.assign(
        actor,
        p,
        responsible_name="李社工",
        responsible_role="social_worker",
        start_date=D(2021, 1, 1),
        responsible_user=world.users["station_a"],
    )
    orders.record_test(actor, p, date=D(2021, 2, 1), result="positive")
    notes = Notification.objects.filter(key__startswith="control-follow-up:")
    assert {n.user for n in notes} == {world.users["township_a"], world.users["station_a"]}
    assert all(p.name not in n.text and str(p.pk) in n.url for n in notes)
    assert not Notification.objects.filter(user=world.users["township_b"]).exists()


def test_after_a_move_under_a_community_order_the_report_is_due_and_chased_once(world):
    from jindu.control.services import moves

    actor = world.users["township_a"]
    p = person(world)
    orders.record_order(
        actor, p, kind="community_detox", decision_date=D(2021, 1, 1), reported_date=D(2021, 1, 5)
    )
    move = registry.move_residence(actor, p, residence_unit=world.village_b, date=D(2021, 3, 1))
    assert move.report_due == D(2021, 3, 16)
    assert move.basis == ["戒毒条例第二十二条"]
    assert tasks.find_unreported_moves.call("2021-03-16") == 0
    assert tasks.find_unreported_moves.call("2021-03-17") == 1
    assert tasks.find_unreported_moves.call("2021-03-18") == 0
    follow_up = FollowUp.objects.get(trigger_key=f"report:move:{move.pk}")
    assert follow_up.basis == ["戒毒条例第二十二条"]
    # The file moved: the new township records the late report, the old one no longer can.
    with pytest.raises(NotAllowed):
        moves.record_move_report(actor, move, reported_date=D(2021, 3, 20))
    moves.record_move_report(world.users["township_b"], move, reported_date=D(2021, 3, 20))
    move.refresh_from_db()
    assert move.reported_date == D(2021, 3, 20)


def test_a_move_without_a_running_community_order_owes_no_report(world):
    from jindu.control.services import moves
    from jindu.core.errors import Refused

    p = person(world)
    move = registry.move_residence(
        world.users["township_a"], p, residence_unit=world.village_b, date=D(2021, 3, 1)
    )
    assert move.report_due is None
    with pytest.raises(Refused):
        moves.record_move_report(world.users["township_b"], move, reported_date=D(2021, 3, 2))


def test_visits_and_conversations_are_logged_by_whoever_may_change_the_file(world):
    from jindu.control.models import ContactLog
    from jindu.control.services import contacts
    from jindu.core.errors import Refused

    actor = world.users["township_a"]
    p = person(world)
    assignment = registry.assign(
        actor,
        p,
        responsible_name="李社工",
        responsible_role="social_worker",
        start_date=D(2021, 1, 1),
    )
    contact = contacts.record_contact(
        actor,
        p,
        date=D(2021, 2, 1),
        kind="visit",
        summary="上门走访，家属配合",
        assignment=assignment,
    )
    assert contact.by_name == "李社工"
    with pytest.raises(Refused):
        contacts.record_contact(actor, p, date=D(2021, 2, 1), kind="visit", summary=" ")
    with pytest.raises(NotAllowed):
        contacts.record_contact(
            world.users["township_b"], p, date=D(2021, 2, 1), kind="visit", summary="越权"
        )
    assert list(ContactLog.objects.restrict(world.users["township_b"])) == []
    assert list(ContactLog.objects.restrict(world.users["township_a"])) == [contact]


def test_an_account_that_may_not_open_the_file_cannot_be_made_responsible(world):
    from jindu.core.errors import Refused

    p = person(world)
    for outsider in ("grid_a", "township_b", "member"):
        with pytest.raises(Refused) as error:
            registry.assign(
                world.users["township_a"],
                p,
                responsible_name="某人",
                responsible_role="grid_worker",
                start_date=D(2021, 1, 1),
                responsible_user=world.users[outsider],
            )
        assert error.value.field == "responsible_user"


def test_the_home_page_counts_the_control_work_waiting_in_the_users_area(world, client):
    from jindu.control.services import relapse

    p = person(world)
    orders.record_test(world.users["township_a"], p, date=D(2021, 2, 1), result="missed")
    relapse.submit_relapse_report(
        world.users["grid_a"],
        subject="某人",
        place="村口",
        observed_on=D(2021, 2, 2),
        observation="聚集",
    )

    def items(username):
        from django.utils import translation

        client.force_login(world.users[username])
        work = client.get("/").context["work"]
        with translation.override("en"):
            return {str(i["label"]): i["count"] for i in work}

    assert items("township_a")["Open follow-ups on people under control"] == 1
    assert "Relapse reports not yet closed" not in items("township_a")
    assert items("township_b")["Open follow-ups on people under control"] == 0
    assert items("station_a")["Relapse reports not yet closed"] == 1
    assert "Open follow-ups on people under control" not in items("grid_a")
