"""High-risk group sessions tied to the enforcement area's venues register (方案四（三）四是):
a session for venue staff (娱乐场所从业人员) or a 六进 activity 进场所 names the venue, chosen
with a picker of the venues in the user's townships; elsewhere a venue is refused."""

import pytest

from jindu.enforcement import services as enforcement
from jindu.prevention.models import Activity

pytestmark = pytest.mark.django_db

URL = "/api/v1/prevention-activities/"


@pytest.fixture
def venues(world):
    a = enforcement.register_venue(
        None, name="甲镇星光KTV", kind="ktv", org_unit=world.township_a, station=world.station_a
    )
    b = enforcement.register_venue(
        None, name="乙乡宾馆", kind="hotel", org_unit=world.township_b, station=world.station_b
    )
    return a, b


def body(world, **kw):
    return {"kind": "high_risk", "group": "venue_staff", "date": "2019-06-25",
            "org_unit": world.township_a.pk, "headcount": 12, **kw}  # fmt: skip


def test_a_venue_staff_session_names_its_venue(world, venues, api_as, client):
    venue_a, _ = venues
    api = api_as(world.users["township_a"])
    made = api.post(URL, body(world, venue=venue_a.pk), format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["venue"] == venue_a.pk
    activity = Activity.objects.get()
    assert activity.venue == venue_a and list(venue_a.prevention_activities.all()) == [activity]
    client.force_login(world.users["township_a"])
    assert "甲镇星光KTV" in client.get(f"/prevention/activities/{activity.pk}/").content.decode()


def test_a_six_into_activity_at_a_venue_may_name_it(world, venues, api_as):
    venue_a, _ = venues
    api = api_as(world.users["township_a"])
    data = body(world, kind="six_into", setting="venue", group="", venue=venue_a.pk)
    assert api.post(URL, data, format="json").status_code == 201


@pytest.mark.parametrize(
    "change, message",
    [
        ({"group": "idle"}, "场所"),
        ({"kind": "lecture", "group": ""}, "场所"),
        ({"venue": "b"}, "乡镇"),
    ],
)
def test_a_venue_is_refused_where_it_does_not_belong(world, venues, api_as, change, message):
    venue_a, venue_b = venues
    change = {**change, "venue": venue_b.pk if change.get("venue") == "b" else venue_a.pk}
    api = api_as(world.users["township_a"])
    response = api.post(URL, body(world, **change), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "venue" in errors and message in errors["venue"][0]
    assert not Activity.objects.exists()


def test_the_picker_offers_the_venues_of_the_users_townships(world, venues, client):
    client.force_login(world.users["township_a"])
    names = [r["text"] for r in client.get("/pick/prevention-venues/").json()["results"]]
    assert names == ["甲镇星光KTV"]
    client.force_login(world.users["member"])
    names = [r["text"] for r in client.get("/pick/prevention-venues/").json()["results"]]
    assert set(names) == {"甲镇星光KTV", "乙乡宾馆"}
    client.force_login(world.users["township_a"])
    page = client.get("/prevention/activities/new/").content.decode()
    assert 'data-picker="/pick/prevention-venues/' in page
