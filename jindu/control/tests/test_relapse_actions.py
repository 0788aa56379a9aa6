"""Named actions on a relapse report (RelapseReport.scope_actions): a grid worker reports, the
police station handles. A grid worker may change a report of their grid (``change`` names
them) and is still refused handling it; township staff who see it are refused both."""

import pytest
from django.urls import reverse

from jindu.control.services import relapse
from jindu.core.errors import NotAllowed
from jindu.core.scoping import can

from .factories import D


def _report(world):
    return relapse.submit_relapse_report(
        world.users["grid_a"],
        subject="出租屋的男子",
        place="甲一村三组",
        observed_on=D(2021, 5, 1),
        observation="深夜多人聚集",
    )


def test_handling_is_refused_to_the_roles_the_map_leaves_out(world):
    report = _report(world)
    grid, township, station = (world.users[n] for n in ("grid_a", "township_a", "station_a"))
    assert can(grid, "change", report) and not can(grid, "handle", report)
    assert can(station, "handle", report)
    assert relapse.may_report(grid) and not relapse.may_report(station)
    for who in (grid, township):
        assert not relapse.may_handle(who, report)
        with pytest.raises(NotAllowed):
            relapse.accept_relapse_report(who, report)
    relapse.accept_relapse_report(station, report)


def test_the_inbox_offers_handling_and_reporting_by_the_map(world, client):
    _report(world)
    client.force_login(world.users["station_a"])
    response = client.get(reverse("control:relapse_inbox"))
    assert response.context["handles"] and not response.context["may_report"]
    client.force_login(world.users["township_a"])
    response = client.get(reverse("control:relapse_inbox"))
    assert not response.context["handles"] and not response.context["may_report"]
    assert client.get(reverse("control:relapse_new")).status_code == 403


@pytest.mark.parametrize(
    "status, allowed",
    [
        ("requested", {"decide"}),
        ("approved", {"extend", "return"}),
        ("overdue", {"extend", "return"}),
        ("refused", set()),
        ("returned", set()),
    ],
)
def test_a_leave_allows_the_steps_its_state_allows(status, allowed):
    """The person file offers a leave's links from ``allows_action`` (not the template)."""
    from jindu.control.models import LeaveRequest

    leave = LeaveRequest(status=status)
    steps = {a for a in ("decide", "extend", "return") if leave.allows_action(a)}
    assert steps == allowed


@pytest.mark.parametrize(
    "status, step",
    [("submitted", "accept"), ("accepted", "check"), ("checked", "close"), ("closed", "")],
)
def test_a_relapse_reports_next_step_follows_its_state(status, step):
    from jindu.control.models import FollowUp, RelapseReport

    assert RelapseReport(status=status).next_step == step
    assert FollowUp(status="open").allows_action("close")
    assert not FollowUp(status="done").allows_action("close")
