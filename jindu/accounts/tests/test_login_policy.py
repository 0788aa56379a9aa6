"""Lockout per account and address behind the proxy, slow-down, alerts; password rules in
Chinese; forced change of an initial password; an absolute session lifetime (item 7)."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from conftest import PASSWORD
from jindu.accounts import services
from jindu.accounts.middleware import LOGIN_AT
from jindu.audit.models import AlertKind, SecurityAlert
from jindu.core.errors import Refused


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def attempt(client, address, password="wrong-password", username="township_a"):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_the_lockout_keys_on_the_address_from_the_trusted_proxy(world, client):
    for _ in range(5):
        attempt(client, "198.51.100.7")
    assert attempt(client, "198.51.100.7", PASSWORD).status_code == 429
    # The same account from another address behind the same proxy still logs in.
    other = client.__class__()
    assert attempt(other, "198.51.100.8", PASSWORD).status_code == 302


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(world, client):
    for i in range(5):
        client.post(
            "/login/",
            {"username": "township_a", "password": "wrong"},
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    response = client.post(
        "/login/",
        {"username": "township_a", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.9",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert response.status_code == 429


@override_settings(LOGIN_SLOWDOWN_AFTER=6, LOCKOUT_ALERT_AT=2)
def test_many_addresses_slow_the_account_down_and_lockouts_alert_the_office(world, client):
    for i in range(6):
        attempt(client, f"203.0.113.{i}")
    # The seventh attempt from a fresh address is refused even with the right password
    # (the account must wait), without being locked for everyone for good.
    fresh = client.__class__()
    assert attempt(fresh, "203.0.113.100", PASSWORD).status_code == 200
    assert "_auth_user_id" not in fresh.session
    for address in ("198.51.100.1", "198.51.100.2"):
        for _ in range(5):
            attempt(client.__class__(), address, username="township_b")
    alert = SecurityAlert.objects.get(kind=AlertKind.LOCKOUT)
    assert "township_b" in alert.text


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("alllowercase-letters", "password_classes"),
        ("ALLUPPERCASE-LETTERS", "password_classes"),
    ],
)
def test_password_rules_are_refused_in_chinese(world, password, code):
    user = world.users["township_a"]
    with translation.override("zh-hans"), pytest.raises(Refused) as refused:
        services.set_password(user, user, password)
    message = str(refused.value.message)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_recent_passwords_cannot_be_reused(world):
    user = world.users["township_a"]
    services.set_password(user, user, "First-pass-2026!")
    services.set_password(user, user, "Second-pass-2026!")
    with pytest.raises(Refused):
        services.set_password(user, user, "First-pass-2026!")
    with pytest.raises(Refused):
        services.set_password(user, user, "Second-pass-2026!")


def test_an_initial_password_must_be_changed_first(world, client, api_client):
    office = world.users["office_admin"]
    user = services.create_user(
        office,
        username="newbie",
        password="Initial-pass-2026",
        role="township",
        unit=world.township_a,
    )
    assert user.must_change_password
    token = api_client.post(
        "/api/v1/auth/token/",
        {"username": "newbie", "password": "Initial-pass-2026"},
        format="json",
    )
    assert token.status_code == 403
    client.post("/login/", {"username": "newbie", "password": "Initial-pass-2026"})
    assert client.get("/").url == "/accounts/profile/"
    changed = client.post(
        "/accounts/profile/",
        {
            "current": "Initial-pass-2026",
            "password": "Own-choice-2026!",
            "confirm": "Own-choice-2026!",
        },
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    # The office resets it: initial again.
    services.set_password(office, user, "Reset-by-office-2026")
    user.refresh_from_db()
    assert user.must_change_password


@override_settings(SESSION_ABSOLUTE_SECONDS=60)
def test_a_session_ends_after_its_absolute_lifetime(world, client):
    client.force_login(world.users["township_a"])
    assert client.get("/").status_code == 200
    session = client.session
    session[LOGIN_AT] = time.time() - 61
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert client.get("/").status_code == 302


def test_a_wrong_current_password_does_not_hide_what_is_wrong_with_the_new_one(world, client):
    user = world.users["township_a"]
    client.force_login(user)
    response = client.post(
        "/accounts/profile/", {"current": "not-it", "password": "short", "confirm": "short"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "current" in form.errors
    assert form.errors["password"]  # the rules' own words, beside the new password
    user.refresh_from_db()
    assert not user.check_password("short")
