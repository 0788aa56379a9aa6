"""Named actions on a tip (Tip.scope_actions): the police verify; receiving, assigning,
rewarding, the reporter's notice and claim and the reporter's identity are the office's.
The police, who may change and verify a tip, are refused the office's actions by the
services and are not offered them on the page."""

import datetime

import pytest
from django.urls import reverse

from jindu.core.errors import NotAllowed
from jindu.core.scoping import available_actions
from jindu.enforcement import services
from jindu.enforcement.models import Tip

D = datetime.date


def _tip(world):
    return services.receive_tip(
        world.users["office_admin"],
        received_date=D(2025, 3, 1),
        channel="hotline",
        org_unit=world.township_a,
        content="某小区有人聚众吸毒",
        reporter_name="匿名群众",
        reporter_phone="13900001111",
    )


def test_the_police_may_verify_but_not_take_the_offices_actions(world, police, case_a):
    station = world.users["station_a"]
    office = world.users["office_admin"]
    tip = _tip(world)
    assert available_actions(station, tip) == ("view", "change")
    assert set(available_actions(office, tip)) >= {"assign", "reveal_reporter"}
    with pytest.raises(NotAllowed):
        services.receive_tip(
            station,
            received_date=D(2025, 3, 1),
            channel="hotline",
            org_unit=world.township_a,
            content="x",
        )
    with pytest.raises(NotAllowed):
        services.assign_tip(station, tip, station=world.station_a)
    services.assign_tip(office, tip, station=world.station_a)
    assert "verify" in available_actions(station, tip)
    services.verify_tip(station, tip, confirmed=True, note="属实", case=case_a)
    tip.refresh_from_db()
    assert "reward" in available_actions(office, tip)
    assert "reward" not in available_actions(station, tip)
    for refused in (
        lambda who: services.reward_tip(who, tip, quantities={"user_found": 1}),
        lambda who: services.reveal_reporter(who, tip, reason="核实"),
    ):
        for who in (station, police):
            with pytest.raises(NotAllowed):
                refused(who)
    services.reward_tip(office, tip, quantities={"user_found": 1})
    tip.refresh_from_db()
    assert "notify" in available_actions(office, tip)
    with pytest.raises(NotAllowed):
        services.record_reporter_notified(station, tip, date=D(2025, 3, 20))
    services.record_reporter_notified(office, tip, date=D(2025, 3, 20))
    tip.refresh_from_db()
    assert "claim" in available_actions(office, tip) and "notify" not in available_actions(
        office, tip
    )
    with pytest.raises(NotAllowed):
        services.record_reward_claimed(police, tip, date=D(2025, 3, 25))


def test_the_page_offers_the_office_alone_the_assignment(world, police, client):
    tip = _tip(world)
    url = reverse("enforcement:tip_detail", args=[tip.pk])
    client.force_login(world.users["station_a"])
    page = client.get(url).content.decode()
    assert 'value="assign"' not in page and "Show the reporter" not in page
    response = client.post(reverse("enforcement:tip_reporter", args=[tip.pk]), {"reason": "核实"})
    assert response.status_code == 403
    client.force_login(world.users["office_admin"])
    assert 'value="assign"' in client.get(url).content.decode()
    assert Tip.objects.get(pk=tip.pk).status == "received"
