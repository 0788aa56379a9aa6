"""The REST API contract of the foundation (stable: other systems integrate with it)."""

import pytest

from conftest import PASSWORD
from jindu.orgs.models import Position


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_token_then_read_org_units_with_it(world, api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "township_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/org-units/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    row = body["results"][0]
    assert set(row) >= {"id", "code", "name", "level", "kind", "parent"}


def test_township_user_sees_exactly_its_subtree(world, api_as):
    api = api_as(world.users["township_a"])
    seen = ids(api.get("/api/v1/org-units/?page_size=500"))
    assert seen == {world.township_a.pk, world.village_a.pk, world.grid_a.pk, world.grid_a2.pk}


def test_grid_worker_sees_only_the_grid(world, api_as):
    api = api_as(world.users["grid_a"])
    assert ids(api.get("/api/v1/org-units/")) == {world.grid_a.pk}
    assert api.get(f"/api/v1/org-units/{world.grid_a2.pk}/").status_code == 404


def test_police_station_sees_itself_and_the_townships_it_covers(world, api_as):
    api = api_as(world.users["station_a"])
    seen = ids(api.get("/api/v1/org-units/?page_size=500"))
    assert world.township_a.pk in seen and world.grid_a.pk in seen
    assert world.township_b.pk not in seen
    assert ids(api.get("/api/v1/stations/")) == {world.station_a.pk}


def test_leader_and_office_see_everything(world, api_as):
    for persona in ("leader", "office_admin"):
        api = api_as(world.users[persona])
        seen = ids(api.get("/api/v1/org-units/?page_size=500"))
        assert {world.county.pk, world.township_a.pk, world.grid_b.pk} <= seen


def test_filters_by_level_and_parent(world, api_as):
    api = api_as(world.users["office_admin"])
    townships = api.get("/api/v1/org-units/?level=township").json()["results"]
    assert {r["id"] for r in townships} == {world.township_a.pk, world.township_b.pk}
    assert all(r["parent"] == world.county.pk for r in townships)
    children = ids(api.get(f"/api/v1/org-units/?parent={world.village_a.pk}"))
    assert children == {world.grid_a.pk, world.grid_a2.pk}


def test_unknown_filter_value_is_a_clear_error(world, api_as):
    api = api_as(world.users["office_admin"])
    response = api.get("/api/v1/org-units/?level=province")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_member_units_endpoint(world, api_as):
    api = api_as(world.users["office_admin"])
    assert ids(api.get("/api/v1/member-units/")) == {world.member_unit.pk, world.office_unit.pk}
    member = api_as(world.users["member"])
    assert ids(member.get("/api/v1/member-units/")) == {world.member_unit.pk}


def test_positions_list_shape_and_scope(world, api_as):
    api = api_as(world.users["township_a"])
    rows = api.get("/api/v1/positions/").json()["results"]
    assert [r["id"] for r in rows] == [world.position_a.pk]
    assert set(rows[0]) >= {"org_unit", "role", "holder_name", "start_date", "end_date"}
    assert rows[0]["role"] == "first_responsible"


def test_office_appoints_a_successor_and_history_is_kept(world, api_as):
    api = api_as(world.users["office_admin"])
    response = api.post(
        "/api/v1/positions/",
        {
            "org_unit": world.township_a.pk,
            "role": "first_responsible",
            "holder_name": "孙继任",
            "start_date": "2024-07-01",
            "title": "党委书记",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    world.position_a.refresh_from_db()
    assert str(world.position_a.end_date) == "2024-06-30"
    current = api.get(
        f"/api/v1/positions/?org_unit={world.township_a.pk}&current=true&date=2025-01-01"
    ).json()["results"]
    assert [r["holder_name"] for r in current] == ["孙继任"]
    assert Position.objects.filter(org_unit=world.township_a).count() == 2


def test_invalid_position_gets_400_with_detail_and_changes_nothing(world, api_as):
    api = api_as(world.users["office_admin"])
    before = Position.objects.count()
    response = api.post(
        "/api/v1/positions/",
        {
            "org_unit": world.township_a.pk,
            "role": "first_responsible",
            "holder_name": "周早到",
            "start_date": "2018-01-01",
            "end_date": "2019-12-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert Position.objects.count() == before


@pytest.mark.parametrize("persona", ["township_a", "leader", "member", "grid_a"])
def test_only_the_office_may_post_positions(world, api_as, persona):
    api = api_as(world.users[persona])
    response = api.post(
        "/api/v1/positions/",
        {
            "org_unit": world.users[persona].unit_id,
            "role": "direct_responsible",
            "holder_name": "李某",
            "start_date": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code in (400, 403)
    assert "detail" in response.json()
    assert not Position.objects.filter(holder_name="李某").exists()


def test_leader_cannot_change_a_visible_position(world, api_as):
    api = api_as(world.users["leader"])
    response = api.patch(
        f"/api/v1/positions/{world.position_a.pk}/", {"holder_name": "改"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"]


def test_schema_and_docs_are_served(client, world):
    client.force_login(world.users["township_a"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/org-units/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200


def test_errors_are_in_chinese_by_default(world, api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "township_a", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "用户名或密码错误" in response.json()["detail"]
