"""One read path per list (issue 10): the unit lists, the positions page and the API read the
same FilterSet and the same selector, so the same query gives the same rows."""

import datetime

import pytest
from django.urls import reverse

from jindu.orgs import services

D = datetime.date


def _page_ids(client, name, query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"].paginator.object_list}


def _api_ids(api, path, query):
    response = api.get(path, {**query, "page_size": 500})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "name, path, query",
    [
        ("orgs:unit_list", "/api/v1/org-units/", {"inactive": "true"}),
        ("orgs:unit_list", "/api/v1/org-units/", {"inactive": "true", "level": "village"}),
        ("orgs:unit_list", "/api/v1/org-units/", {"inactive": "true", "q": "甲"}),
        ("orgs:unit_list", "/api/v1/org-units/", {"inactive": "true", "kind": "grid"}),
        ("orgs:member_unit_list", "/api/v1/member-units/", {"inactive": "true"}),
        ("orgs:station_list", "/api/v1/stations/", {"inactive": "true", "q": "甲"}),
    ],
)
@pytest.mark.parametrize("who", ["office_admin", "township_a"])
def test_the_unit_lists_and_the_api_agree(world, client, api_as, who, name, path, query):
    user = world.users[who]
    client.force_login(user)
    page = _page_ids(client, name, query)
    assert page == _api_ids(api_as(user), path, query)
    if who == "office_admin":
        assert page


def test_a_units_children_by_parent_on_the_page_and_the_api(world, client, api_as):
    office = world.users["office_admin"]
    client.force_login(office)
    query = {"parent": world.township_a.pk}
    page = _page_ids(client, "orgs:unit_list", query)
    assert page == _api_ids(api_as(office), "/api/v1/org-units/", query) == {world.village_a.pk}
    bad = api_as(office).get("/api/v1/org-units/", {"level": "planet"})
    assert bad.status_code == 400 and "level" in bad.json()["errors"]


def test_the_page_hides_inactive_units_unless_asked(world, client, api_as):
    office = world.users["office_admin"]
    services.update_unit(office, world.grid_b, is_active=False)
    client.force_login(office)
    assert world.grid_b.pk not in _page_ids(client, "orgs:unit_list", {})
    assert world.grid_b.pk in _page_ids(client, "orgs:unit_list", {"inactive": "on"})
    assert world.grid_b.pk in _api_ids(api_as(office), "/api/v1/org-units/", {})


@pytest.mark.parametrize(
    "page_query, api_query",
    [
        ({}, {"current": "true"}),
        ({"history": "on"}, {}),
        ({"role": "first_responsible"}, {"role": "first_responsible", "current": "true"}),
        ({"history": "on", "q": "赵"}, {"q": "赵"}),
    ],
)
def test_the_positions_page_and_the_api_agree(world, client, api_as, page_query, api_query):
    office = world.users["office_admin"]
    services.appoint(
        office,
        org_unit=world.township_a,
        role="first_responsible",
        holder_name="孙测试",
        title="党委书记",
        start_date=D(2022, 1, 1),
    )
    client.force_login(office)
    page = _page_ids(client, "orgs:position_list", page_query)
    assert page and page == _api_ids(api_as(office), "/api/v1/positions/", api_query)
