"""Grid relapse reports: the grid worker reports and follows the status; the police station
covering the township accepts, checks and closes; nobody else handles them."""

import pytest

from jindu.control.models import Finding, FollowUp, RelapseReport, UrineTest
from jindu.control.services import relapse
from jindu.core.errors import NotAllowed, Refused

from .factories import D, person


def submit(world, **extra):
    data = {
        "subject": "村口小卖部旁出租屋的男子",
        "place": "甲一村三组",
        "observed_on": D(2021, 5, 1),
        "observation": "深夜多人聚集，疑似吸食",
    }
    data.update(extra)
    return relapse.submit_relapse_report(world.users["grid_a"], **data)


def test_a_grid_worker_reports_from_their_own_grid(world):
    report = submit(world, grid=world.grid_b)  # the grid given is ignored: it is his own
    assert (report.grid, report.status, report.reporter) == (
        world.grid_a,
        "submitted",
        world.users["grid_a"],
    )


@pytest.mark.parametrize("persona", ["township_a", "station_a", "leader", "member"])
def test_only_grid_workers_and_the_office_submit(world, persona):
    with pytest.raises(NotAllowed):
        relapse.submit_relapse_report(
            world.users[persona],
            subject="x",
            place="y",
            observed_on=D(2021, 5, 1),
            observation="z",
        )


def test_the_office_files_a_report_for_a_grid(world):
    report = relapse.submit_relapse_report(
        world.users["office_admin"],
        subject="x",
        place="y",
        observed_on=D(2021, 5, 1),
        observation="z",
        grid=world.grid_a2,
    )
    assert report.grid == world.grid_a2


def test_a_report_needs_who_where_and_what(world):
    with pytest.raises(Refused) as error:
        submit(world, subject=" ", observation="")
    assert set(error.value.errors) == {"subject", "observation"}


def test_the_station_covering_the_township_handles_the_report(world):
    station = world.users["station_a"]
    p = person(world, unit=world.grid_a)
    report = submit(world)
    for persona in ("grid_a", "township_a"):
        with pytest.raises(NotAllowed):
            relapse.accept_relapse_report(world.users[persona], report)
    with pytest.raises(Refused):
        relapse.check_relapse_report(station, report, check_date=D(2021, 5, 2), result="positive")
    relapse.accept_relapse_report(station, report, person=p)
    relapse.check_relapse_report(station, report, check_date=D(2021, 5, 2), result="positive")
    test = UrineTest.objects.get(person=p)
    assert (test.date, test.result) == (D(2021, 5, 2), "positive")
    assert FollowUp.objects.filter(person=p, kind="test_result").exists()
    report = relapse.close_relapse_report(station, report, outcome="confirmed", note="复吸")
    assert report.status == "closed"
    finding = Finding.objects.get(relapse_report=report)
    assert finding.person == p and finding.date == D(2021, 5, 2)


def test_a_relapse_is_confirmed_only_for_a_known_person(world):
    station = world.users["station_a"]
    report = submit(world)
    relapse.accept_relapse_report(station, report)
    relapse.check_relapse_report(station, report, check_date=D(2021, 5, 2), result="negative")
    with pytest.raises(Refused) as error:
        relapse.close_relapse_report(station, report, outcome="confirmed")
    assert "person" in error.value.errors
    relapse.close_relapse_report(station, report, outcome="not_confirmed")
    assert UrineTest.objects.count() == 0


def test_who_sees_which_reports(world):
    from jindu.accounts import services as accounts

    mine = submit(world)
    other_worker = accounts.create_user(
        None,
        username="grid_a2",
        password="Test-password-2026",
        role="grid_worker",
        unit=world.grid_a2,
    )
    theirs = relapse.submit_relapse_report(
        other_worker, subject="x", place="y", observed_on=D(2021, 5, 1), observation="z"
    )
    visible = RelapseReport.objects.restrict
    assert list(visible(world.users["grid_a"])) == [mine]
    assert list(visible(other_worker)) == [theirs]
    assert set(visible(world.users["station_a"])) == {mine, theirs}
    assert set(visible(world.users["township_a"])) == {mine, theirs}
    assert list(visible(world.users["township_b"])) == []
    assert list(visible(world.users["member"])) == []
