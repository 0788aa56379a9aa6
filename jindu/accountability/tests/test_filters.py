"""One read path per list (issue 10): the measures page and the API read the same FilterSet
and the same selector, so the same query gives the same rows."""

import datetime

import pytest
from django.urls import reverse

from jindu.accountability import services
from jindu.accountability.models import AccountabilityAction, ActionKind, ActionStatus
from jindu.rectification import services as rectification


@pytest.fixture
def listing(world):
    designation = rectification.record_decision(
        world.users["leader"],
        kind="list",
        date=datetime.date(2021, 6, 1),
        decision_no="1号",
        org_unit=world.township_a,
        level="key_rectification",
        categories=["drug_abuse"],
        source="office_proposal",
    ).designation
    first = AccountabilityAction.objects.filter(kind=ActionKind.CRITICISM).first()
    services.decide_action(
        world.users["office_admin"], first, confirm=False, reason="已整改", decision_no=""
    )
    return designation


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": ActionStatus.PROPOSED},
        {"status": ActionStatus.REJECTED},
        {"kind": ActionKind.INTERVIEW},
        {"status": ActionStatus.PROPOSED, "kind": ActionKind.DISCIPLINE},
    ],
)
@pytest.mark.parametrize("who", ["office_admin", "township_a", "township_b"])
def test_the_measures_page_and_the_api_agree(world, listing, client, api_as, who, query):
    user = world.users[who]
    client.force_login(user)
    response = client.get(reverse("accountability:action_list"), query)
    assert response.status_code == 200
    page = {a.pk for a in response.context["page"].paginator.object_list}
    api = api_as(user).get("/api/v1/accountability-actions/", {**query, "page_size": 500})
    assert page == {row["id"] for row in api.json()["results"]}
    if who == "township_b":
        assert not page
    elif not query:
        assert page


def test_the_api_keeps_its_parameters_and_refuses_a_bad_one(world, listing, api_as):
    api = api_as(world.users["office_admin"])
    bad = api.get("/api/v1/accountability-actions/", {"status": "sleeping"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    assert api.get("/api/v1/accountability-actions/", {"org_unit": "x"}).status_code == 400
    other = api.get("/api/v1/accountability-actions/", {"designation": listing.pk + 1000})
    assert other.json()["count"] == 0
    mine = api.get("/api/v1/accountability-actions/", {"org_unit": world.township_a.pk})
    assert mine.json()["count"] == AccountabilityAction.objects.count()
    assert api.get("/api/v1/inspections/", {"year": "3000"}).status_code == 400
