"""Named actions (issue 10): what a user may do with an accountability measure is computed once
from the model's action map and its state; the page, the API's ``actions`` and the service
agree, role by role."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from jindu.accountability import services
from jindu.accountability.models import AccountabilityAction, ActionKind, ActionStatus
from jindu.core.errors import NotAllowed
from jindu.rectification import services as rectification

ROLES = ["office_admin", "leader", "member", "township_a", "township_b", "station_a", "grid_a"]


class _Rollback(Exception):
    pass


def _accepted(call) -> bool:
    """Whether the service lets the actor take the action (its effect is rolled back)."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return True
    except NotAllowed:
        return False


@pytest.fixture
def proposals(world):
    rectification.record_decision(
        world.users["leader"],
        kind="list",
        date=datetime.date(2021, 6, 1),
        decision_no="1号",
        org_unit=world.township_a,
        level="key_rectification",
        categories=["drug_abuse"],
        source="office_proposal",
    )
    return AccountabilityAction.objects.filter(status=ActionStatus.PROPOSED)


@pytest.mark.parametrize("who", ROLES)
def test_deciding_is_shown_exactly_to_whom_the_service_lets_decide(world, proposals, who):
    user = world.users[who]
    proposal = proposals.first()
    shown = services.measure_actions(user, proposal)
    accepted = _accepted(
        lambda: services.decide_action(user, proposal, confirm=False, reason="不予问责")
    )
    assert ("decide" in shown) == accepted
    assert ("decide" in shown) == (who == "office_admin")
    assert ("view" in shown) == (who not in ("township_b", "member", "grid_a"))


def test_a_decided_measure_offers_no_decision_and_a_confirmed_interview_its_notice(
    world, proposals, client, api_as
):
    office, township = world.users["office_admin"], world.users["township_a"]
    interview = proposals.get(kind=ActionKind.INTERVIEW, position__isnull=False)
    url = reverse("accountability:action_detail", args=[interview.pk])
    notice = reverse("accountability:interview_notice", args=[interview.pk])
    client.force_login(office)
    page = client.get(url).content.decode()
    assert 'name="decision"' in page and notice not in page
    assert api_as(office).get(f"/api/v1/accountability-actions/{interview.pk}/").json()[
        "actions"
    ] == ["view", "decide"]
    services.decide_action(office, interview, confirm=True, reason="约谈", decision_no="2号")
    interview.refresh_from_db()
    assert services.measure_actions(office, interview) == ("view", "notice")
    assert services.measure_actions(township, interview) == ("view", "notice")
    page = client.get(url).content.decode()
    assert 'name="decision"' not in page and notice in page
    assert client.post(url, {"decision": "reject", "reason": "x"}).status_code == 403
    body = api_as(township).get(f"/api/v1/accountability-actions/{interview.pk}/").json()
    assert body["actions"] == ["view", "notice"]
    refused = api_as(office).post(
        f"/api/v1/accountability-actions/{interview.pk}/reject/", {"reason": "x"}
    )
    assert refused.status_code == 409 or refused.status_code == 400
