"""One read path per list (issue 10): the page, its export and the API parse the same
FilterSet and read the same selector, so the same query gives the same rows."""

import pytest
from django.urls import reverse

from jindu.control.models import FileAccess, FollowUp
from jindu.control.services import orders, registry

from . import factories
from .factories import D


@pytest.fixture
def people(world):
    actor = world.users["township_a"]
    a = factories.person(world, name="张甲")
    b = factories.person(world, name="李乙")
    c = factories.person(world, name="王丙", unit=world.grid_a)
    registry.change_status(actor, b, status="in_custody", date=D(2024, 2, 1))
    orders.record_test(actor, a, date=D(2024, 3, 1), result="positive")
    orders.record_test(actor, c, date=D(2024, 3, 1), result="missed")
    return a, b, c


def _page_names(client, url, query, names):
    body = client.get(url, query).content.decode()
    return {n for n in names if n in body}


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "in_custody"}, {"q": "张"}, {"status": "in_society", "q": "王"}],
)
def test_the_person_list_page_and_api_agree(world, people, client, api_as, query):
    names = {p.name for p in people}
    client.force_login(world.users["township_a"])
    page = _page_names(client, reverse("control:person_list"), query, names)
    api = api_as(world.users["township_a"]).get("/api/v1/persons/", query).json()
    assert page == {row["name"] for row in api["results"]}
    assert page  # every query above finds someone


def test_the_api_keeps_its_own_parameter_names(world, people, api_as):
    api = api_as(world.users["township_a"])
    grid = api.get("/api/v1/persons/", {"org_unit": world.grid_a.pk}).json()
    assert {r["name"] for r in grid["results"]} == {"王丙"}
    assert api.get("/api/v1/persons/", {"org_unit": 10**9}).json()["count"] == 0
    bad = api.get("/api/v1/persons/", {"status": "asleep"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    assert api.get("/api/v1/persons/", {"org_unit": "x"}).status_code == 400


def test_an_invalid_page_filter_is_shown_and_ignored(world, people, client):
    client.force_login(world.users["township_a"])
    response = client.get(reverse("control:person_list"), {"status": "asleep"})
    assert response.status_code == 200
    body = response.content.decode()
    assert all(p.name in body for p in people)


@pytest.mark.parametrize("kind", ["", "test_result"])
def test_follow_ups_page_and_api_agree(world, people, client, api_as, kind):
    from jindu.control.services import registry as control_services

    by_name = {p.pk: p.name for p in people}
    query = {"kind": kind} if kind else {}
    # Over the API a person's follow-ups are part of the file: they list once it is open.
    for person in people:
        control_services.open_file(world.users["township_a"], person, reason="control_work")
    client.force_login(world.users["township_a"])
    page = _page_names(client, reverse("control:followups"), query, set(by_name.values()))
    # The page lists open follow-ups unless told otherwise; the API says so explicitly.
    api = api_as(world.users["township_a"]).get("/api/v1/follow-ups/", {**query, "status": "open"})
    assert page == {by_name[r["person"]] for r in api.json()["results"]}
    assert page == set(
        FollowUp.objects.filter(status="open", **query).values_list("person__name", flat=True)
    )


def test_the_access_log_page_and_api_agree(world, people, client, api_as):
    a, b, _c = people
    for person, reason in ((a, "control_work"), (b, "statistics")):
        registry.open_file(world.users["station_a"], person, reason=reason)
    client.force_login(world.users["office_admin"])
    office = api_as(world.users["office_admin"])
    for query in ({"reason": "statistics"}, {"person_name": "张"}, {}):
        page = _page_names(client, reverse("control:access_log"), query, {a.name, b.name})
        api = office.get("/api/v1/file-access-log/", query).json()
        expected = {FileAccess.objects.get(pk=r["id"]).person.name for r in api["results"]}
        assert page == expected and page
