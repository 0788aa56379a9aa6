"""API tokens that end (issue 16, item 6): hashed, named, several per user, with an expiry,
revoked on a password change and on deactivation, listed and revocable by the owner and the
office; rate limits counted in the shared cache."""

import datetime

import pytest
from django.utils import timezone

from conftest import PASSWORD
from jindu.accounts import services
from jindu.accounts.models import ApiToken


def get_token(api_client, username="township_a", **extra):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": PASSWORD, **extra},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def as_token(api_client, raw):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api_client


def test_tokens_are_stored_hashed_named_several_and_expire(world, api_client):
    first = get_token(api_client, name="省平台对接")
    second = get_token(api_client, name="手机")
    assert first["token"] != second["token"]
    rows = ApiToken.objects.filter(user=world.users["township_a"])
    assert rows.count() == 2
    assert not rows.filter(key_hash=first["token"]).exists()
    assert {r.name for r in rows} == {"省平台对接", "手机"}
    assert all(r.expires_at > timezone.now() + datetime.timedelta(days=29) for r in rows)
    api = as_token(api_client, first["token"])
    assert api.get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(name="省平台对接").update(expires_at=timezone.now())
    assert api.get("/api/v1/me/").status_code == 401
    assert as_token(api_client, second["token"]).get("/api/v1/me/").status_code == 200


def test_a_password_change_revokes_every_token(world, api_client):
    raw = get_token(api_client)["token"]
    user = world.users["township_a"]
    services.set_password(user, user, "Another-pass-2026!")
    assert as_token(api_client, raw).get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()


def test_owner_lists_and_revokes_the_office_sees_all(world, api_client):
    from rest_framework.test import APIClient

    raw = get_token(api_client, name="a")["token"]
    # township_b integrates too (the office marks it): its token must not show in a's list.
    services.update_user(None, world.users["township_b"], api_access=True)
    get_token(api_client, username="township_b")
    mine = as_token(api_client, raw).get("/api/v1/auth/tokens/").json()
    assert [t["name"] for t in mine["results"]] == ["a"]
    assert "key_hash" not in mine["results"][0]
    office = as_token(APIClient(), services.issue_token(world.users["office_admin"])[1])
    everyone = office.get("/api/v1/auth/tokens/").json()["results"]
    assert {"township_a", "township_b"} <= {t["user"] for t in everyone}
    theirs = next(t for t in everyone if t["user"] == "township_b")
    # township_a cannot see or revoke township_b's token; the office can.
    api = as_token(api_client, raw)
    assert api.delete(f"/api/v1/auth/tokens/{theirs['id']}/").status_code == 404
    assert office.delete(f"/api/v1/auth/tokens/{theirs['id']}/").status_code == 204
    assert ApiToken.objects.get(pk=theirs["id"]).revoked_at is not None
    own = mine["results"][0]["id"]
    assert api.delete(f"/api/v1/auth/tokens/{own}/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


RATES = {"token": "20/min", "anon": "100/min", "user": "100/min", "endpoint": "3/min"}


def test_production_keeps_the_counters_in_a_shared_cache():
    import importlib

    import jindu.settings as production

    importlib.reload(production)
    backend = production.CACHES["default"]["BACKEND"]
    assert backend.endswith(("DatabaseCache", "RedisCache")), backend


def test_rate_limits_are_per_endpoint_and_counted_in_the_database(
    world, api_as, settings, monkeypatch
):
    from django.db import connection
    from rest_framework.throttling import SimpleRateThrottle

    # DRF reads the rates into the class once, at import.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", RATES)
    api = api_as(world.users["township_a"])
    codes = [api.get("/api/v1/org-units/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api.get("/api/v1/org-units/")
    # The client is told how long to wait: until the window's end.
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert api.get("/api/v1/me/").status_code == 200  # another endpoint's budget
    # Counted in one table every worker shares, one row per user and per user × endpoint.
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, count FROM core_ratecounter ORDER BY key")
        counted = dict(cursor.fetchall())
    user = world.users["township_a"].pk
    assert counted[f"throttle_endpoint_u{user}:org-unit"] == 5
    assert counted[f"throttle_user_{user}"] == 6


@pytest.mark.parametrize("days", [0, 10000])
def test_a_token_lifetime_out_of_range_is_refused(world, api_client, days):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "township_a", "password": PASSWORD, "expires_in_days": days},
        format="json",
    )
    assert response.status_code == 400
