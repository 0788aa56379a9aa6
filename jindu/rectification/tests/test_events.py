"""A listing decision reaches accountability through a named domain event, in the decision's
transaction (jindu.core.events): rectification does not import accountability."""

import datetime

import pytest

from jindu.accountability.models import AccountabilityAction
from jindu.core import events
from jindu.core.errors import Refused
from jindu.rectification import services
from jindu.rectification.models import Decision, Designation

D = datetime.date


def _list(world):
    return services.record_decision(
        world.users["leader"],
        kind="list",
        date=D(2018, 6, 1),
        decision_no="衡禁毒委〔2018〕1号",
        org_unit=world.township_a,
        level="key_rectification",
        categories=["drug_abuse"],
        source="office_proposal",
    )


def test_accountability_subscribes_to_the_listing_decision(world):
    assert "jindu.accountability.subscribers.propose_for_new_listing" in events.subscribers(
        "rectification.decision_recorded"
    )
    decision = _list(world)
    assert AccountabilityAction.objects.filter(designation=decision.designation).exists()


def test_a_refusing_subscriber_rolls_the_decision_back(world):
    @events.subscribe("rectification.decision_recorded", name="test.refuses")
    def refuse(**payload):
        raise Refused("no")

    try:
        with pytest.raises(Refused):
            _list(world)
    finally:
        events._subscriptions["rectification.decision_recorded"] = [
            s
            for s in events._subscriptions["rectification.decision_recorded"]
            if s.name != "test.refuses"
        ]
    assert not Decision.objects.exists() and not Designation.objects.exists()
    assert not AccountabilityAction.objects.exists()


def test_an_unknown_event_is_a_programming_error():
    with pytest.raises(KeyError):
        events.publish("rectification.no_such_thing")
    with pytest.raises(KeyError):
        events.subscribe("nothing.here")
