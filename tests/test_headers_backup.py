"""Headers for pages with personal data and the API schema behind login (issue 16, item 11)."""

from jindu.core.middleware import PERMISSIONS_POLICY


def test_pages_exports_and_api_answers_are_not_stored(world, client, api_as):
    client.force_login(world.users["office_admin"])
    for url in ("/", "/control/persons/", "/control/persons/export/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    api = api_as(world.users["township_a"])
    assert "no-store" in api.get("/api/v1/persons/")["Cache-Control"]


def test_the_login_page_has_the_permissions_policy(client, db):
    response = client.get("/login/")
    assert "camera=()" in response["Permissions-Policy"]


def test_the_schema_and_docs_need_a_login_in_production(world, client, api_as):
    # settings_test runs with DEBUG off, like production.
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    assert api_as(world.users["township_a"]).get("/api/schema/").status_code == 200
    client.force_login(world.users["township_a"])
    assert client.get("/api/docs/").status_code == 200
