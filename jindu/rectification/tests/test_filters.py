"""One read path per list (issue 10): the board, the applications and evaluations pages and the
API read the same FilterSet and the same selector, so the same query gives the same rows."""

import datetime

import pytest
from django.urls import reverse

from jindu.rectification import services
from jindu.rectification.models import Decision, Designation

D = datetime.date


@pytest.fixture
def listings(world):
    leader = world.users["leader"]
    made = []
    for unit, level in (
        (world.township_a, "key_supervision"),
        (world.village_b, "key_rectification"),
    ):
        decision = services.record_decision(
            leader,
            kind="list",
            date=D(2018, 6, 1),
            decision_no=f"衡禁毒委〔2018〕{unit.pk}号",
            org_unit=unit,
            level=level,
            categories=["drug_abuse"],
            source="office_proposal",
        )
        made.append(decision.designation)
    return made


def _page_ids(client, name, query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"].paginator.object_list}


def _api_ids(api, path, query):
    response = api.get(path, {**query, "page_size": 500})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "query",
    [
        {"status": "active"},
        {"status": "lifted"},
        {"status": "all"},
        {"status": "all", "level": "key_supervision"},
        {"status": "all", "unit_level": "village"},
        {"status": "all", "q": "乙"},
    ],
)
@pytest.mark.parametrize("who", ["office_admin", "township_a"])
def test_the_board_and_the_api_list_the_same_listings(world, listings, client, api_as, who, query):
    user = world.users[who]
    client.force_login(user)
    page = _page_ids(client, "rectification:board", query)
    assert page == _api_ids(api_as(user), "/api/v1/designations/", query)
    if who == "township_a":
        assert world.village_b.pk not in {
            d.org_unit_id for d in Designation.objects.filter(pk__in=page)
        }


def test_the_board_shows_the_active_listings_by_default_the_api_all(
    world, listings, client, api_as
):
    client.force_login(world.users["township_b"])
    assert _page_ids(client, "rectification:board", {}) == {listings[1].pk}
    api = api_as(world.users["office_admin"])
    assert _api_ids(api, "/api/v1/designations/", {}) == {d.pk for d in listings}
    bad = api.get("/api/v1/designations/", {"level": "nonsense"})
    assert bad.status_code == 400 and "level" in bad.json()["errors"]
    assert api.get("/api/v1/designations/", {"org_unit": "x"}).status_code == 400
    only = _api_ids(api, "/api/v1/designations/", {"org_unit": world.township_a.pk})
    assert only == {listings[0].pk}


@pytest.mark.parametrize("query", [{}, {"status": "submitted"}, {"status": "withdrawn"}])
def test_the_applications_page_and_the_api_agree(world, listings, client, api_as, query):
    services.submit_application(
        world.users["township_a"],
        org_unit=world.township_a,
        kind="lift",
        year=2019,
        reasons="整治达标",
    )
    office = world.users["office_admin"]
    client.force_login(office)
    page = _page_ids(client, "rectification:application_list", query)
    assert page == _api_ids(api_as(office), "/api/v1/applications/", query)
    if not query or query["status"] == "submitted":
        assert page
    client.force_login(world.users["township_b"])
    assert not _page_ids(client, "rectification:application_list", query)
    bad = api_as(office).get("/api/v1/applications/", {"status": "sleeping"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_decisions_filter_by_listing_and_carry_their_document(world, listings, api_as):
    api = api_as(world.users["office_admin"])
    rows = api.get("/api/v1/decisions/", {"designation": listings[0].pk}).json()["results"]
    assert [r["id"] for r in rows] == list(
        Decision.objects.filter(designation=listings[0]).values_list("pk", flat=True)
    )
    assert api.get("/api/v1/decisions/", {"designation": "x"}).status_code == 400
