"""User accounts: who may have which role where, passwords, tokens, lockout and the admin pages."""

import datetime

import pytest
from django.core.cache import cache

from conftest import PASSWORD
from jindu.accounts import services
from jindu.accounts.models import ApiToken, User
from jindu.audit.models import AuditAction, AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.orgs.models import Position

REQUIRED = "这个字段是必填项。"  # Django's own Chinese for "This field is required."
LOCKED_PAGE = "账号已锁定"  # the lockout page's heading in Chinese
LOCKED_DETAIL = "登录失败次数过多，该账号已被暂时锁定。"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    """The token endpoint's rate limit lives in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


# --- create_user / update_user -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "unit_name"),
    [
        pytest.param("grid_worker", "township_a", id="grid-worker-in-a-township"),
        pytest.param("township", "village_a", id="township-staff-in-a-village"),
        pytest.param("police_station", "member_unit", id="station-staff-in-a-member-unit"),
        pytest.param("member_unit", "station_a", id="member-staff-in-a-station"),
        pytest.param("office_admin", "township_a", id="office-admin-in-a-township"),
        pytest.param("township", None, id="township-staff-without-a-unit"),
    ],
)
def test_create_user_refuses_a_role_that_does_not_fit_the_unit(world, role, unit_name):
    unit = getattr(world, unit_name) if unit_name else None
    with pytest.raises(Refused) as refused:
        services.create_user(
            world.users["office_admin"],
            username="newcomer",
            password=PASSWORD,
            role=role,
            unit=unit,
        )
    assert set(refused.value.errors) == {"unit"}
    assert refused.value.errors["unit"][0]
    assert not User.objects.filter(username="newcomer").exists()


def test_create_user_accepts_a_role_that_fits_the_unit(world):
    user = services.create_user(
        world.users["office_admin"],
        username="grid_a2",
        password=PASSWORD,
        role="grid_worker",
        unit=world.grid_a2,
        full_name="网格员乙",
    )
    assert user.check_password(PASSWORD)
    assert user.unit == world.grid_a2
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, model="accounts.User", object_id=str(user.pk)
    )
    assert "password" not in event.changes


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("newcomer", "Ab3$xyz", id="too-short"),
        pytest.param("newcomer", "20260105123456", id="only-digits"),
        pytest.param("newcomer", "qwertyuiop", id="common-password"),
        pytest.param("zhangsan2026", "zhangsan2026", id="same-as-username"),
    ],
)
def test_create_user_refuses_a_weak_password_on_the_password_field(world, username, password):
    with pytest.raises(Refused) as refused:
        services.create_user(
            world.users["office_admin"],
            username=username,
            password=password,
            role="township",
            unit=world.township_a,
        )
    assert set(refused.value.errors) == {"password"}
    assert refused.value.errors["password"]
    assert not User.objects.filter(username=username).exists()


def test_create_user_refuses_a_taken_username_whatever_its_case(world):
    with pytest.raises(Refused) as refused:
        services.create_user(
            world.users["office_admin"],
            username="Township_A",
            password=PASSWORD,
            role="township",
            unit=world.township_a,
        )
    assert set(refused.value.errors) == {"username"}


@pytest.mark.parametrize("persona", ["leader", "township_a", "member"])
def test_only_the_office_creates_and_changes_accounts(world, persona):
    actor = world.users[persona]
    with pytest.raises(NotAllowed):
        services.create_user(
            actor, username="newcomer", password=PASSWORD, role="township", unit=world.township_a
        )
    with pytest.raises(NotAllowed):
        services.update_user(actor, world.users["grid_a"], is_active=False)
    assert User.objects.get(username="grid_a").is_active


def test_deactivating_a_user_deletes_the_api_token(world, api_client):
    user = world.users["township_a"]
    _token, raw = services.issue_token(user)
    services.update_user(world.users["office_admin"], user, is_active=False)
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api_client.get("/api/v1/me/").status_code == 401
    event = AuditEvent.objects.get(
        action=AuditAction.UPDATE,
        model="accounts.User",
        object_id=str(user.pk),
        actor=world.users["office_admin"],
    )
    assert event.changes == {"is_active": [True, False]}


def test_the_office_admin_cannot_deactivate_their_own_account(world):
    admin = world.users["office_admin"]
    with pytest.raises(Refused) as refused:
        services.update_user(admin, admin, is_active=False)
    assert "is_active" in refused.value.errors
    assert User.objects.get(pk=admin.pk).is_active


# --- the token endpoint --------------------------------------------------------------------


def test_good_credentials_get_a_token(world, api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "township_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"token", "expires_at", "name"}
    stored = ApiToken.objects.get(user=world.users["township_a"])
    assert stored.key_hash != body["token"] and body["token"].startswith(stored.prefix)


@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param({"username": "township_a", "password": "wrong-password"}, id="bad-password"),
        pytest.param({"username": "nobody", "password": PASSWORD}, id="unknown-user"),
        pytest.param({"username": "township_a"}, id="no-password"),
    ],
)
def test_bad_credentials_get_400_with_a_detail(world, api_client, credentials):
    response = api_client.post("/api/v1/auth/token/", credentials, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not ApiToken.objects.filter(user=world.users["township_a"]).exists()


def test_an_inactive_user_gets_no_token(world, api_client):
    services.update_user(world.users["office_admin"], world.users["township_a"], is_active=False)
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "township_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


# --- lockout after repeated failures -------------------------------------------------------


def fail_logins(client, username="township_a", times=5):
    return [
        client.post("/login/", {"username": username, "password": "wrong-password"})
        for _ in range(times)
    ]


def test_the_first_failures_show_the_login_form_again(world, client):
    responses = fail_logins(client, times=4)
    assert [r.status_code for r in responses] == [200] * 4
    assert all(LOCKED_PAGE not in r.content.decode() for r in responses)


def test_after_five_failed_logins_even_the_right_password_is_refused(world, client):
    responses = fail_logins(client)
    # django-axes answers the lockout with its template and HTTP 429 (AXES_HTTP_RESPONSE_CODE)
    assert responses[-1].status_code == 429
    response = client.post("/login/", {"username": "township_a", "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED_PAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_a_locked_account_gets_429_from_the_token_endpoint(world, client, api_client):
    fail_logins(client)
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "township_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": LOCKED_DETAIL}
    assert not ApiToken.objects.filter(user=world.users["township_a"]).exists()


def test_failed_token_requests_count_toward_the_same_lockout(world, client, api_client):
    for _ in range(5):
        api_client.post(
            "/api/v1/auth/token/",
            {"username": "township_a", "password": "wrong-password"},
            format="json",
        )
    response = client.post("/login/", {"username": "township_a", "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED_PAGE in response.content.decode()


def test_the_lockout_is_for_that_account_only(world, client):
    fail_logins(client)
    response = client.post("/login/", {"username": "township_b", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["township_b"].pk)


# --- the account pages ---------------------------------------------------------------------


def test_office_admin_creates_a_user_through_the_page(world, client):
    client.force_login(world.users["office_admin"])
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "grid_b",
            "password": PASSWORD,
            "full_name": "网格员丙",
            "role": "grid_worker",
            "unit": world.grid_b.pk,
            "phone": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    assert response.url == "/accounts/users/"
    user = User.objects.get(username="grid_b")
    assert (user.role, user.unit, user.full_name) == ("grid_worker", world.grid_b, "网格员丙")
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, model="accounts.User", object_id=str(user.pk)
    )
    assert event.actor == world.users["office_admin"]


def post_blank_user_form(client):
    blank = dict.fromkeys(["username", "password", "full_name", "role", "unit", "phone"], "")
    return client.post("/accounts/users/new/", {**blank, "email": ""})


def test_the_new_user_form_shows_required_field_errors_in_chinese(world, client):
    client.force_login(world.users["office_admin"])
    response = post_blank_user_form(client)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"username", "password", "role"}
    messages = {m for field in ("username", "password", "role") for m in errors[field]}
    assert len(messages) == 1
    message = messages.pop()
    assert message != "This field is required."
    assert "必填" in message
    assert message in response.content.decode()
    assert User.objects.count() == len(world.users)


def test_the_new_user_form_shows_a_role_unit_mismatch_on_the_unit_field(world, client):
    client.force_login(world.users["office_admin"])
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "newcomer",
            "password": PASSWORD,
            "role": "grid_worker",
            "unit": world.township_a.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not User.objects.filter(username="newcomer").exists()


def test_the_new_user_form_shows_a_weak_password_on_the_password_field(world, client):
    client.force_login(world.users["office_admin"])
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "newcomer",
            "password": "12345",
            "role": "township",
            "unit": world.township_a.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("persona", ["leader", "township_a", "member"])
def test_the_account_pages_are_the_office_admins_only(world, client, persona):
    client.force_login(world.users[persona])
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/users/new/").status_code == 403
    response = client.post(
        "/accounts/users/new/",
        {"username": "sneaky", "password": PASSWORD, "role": "office_admin"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="sneaky").exists()


# --- who am I ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "role", "unit_name"),
    [
        ("township_a", "township", "township_a"),
        ("grid_a", "grid_worker", "grid_a"),
        ("leader", "leader", "county"),
        ("office_admin", "office_admin", "office_unit"),
    ],
)
def test_me_returns_role_and_unit(world, api_as, persona, role, unit_name):
    user = world.users[persona]
    response = api_as(user).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == persona
    assert body["role"] == role
    assert body["unit"] == getattr(world, unit_name).pk
    assert body["id"] == user.pk


# --- a Django superuser --------------------------------------------------------------------


@pytest.fixture
def root(world):
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


def test_a_superuser_is_reported_as_office_admin(root, api_as):
    body = api_as(root).get("/api/v1/me/").json()
    assert body["role"] == "office_admin"
    assert body["unit"] is None


def test_a_superuser_sees_every_unit(world, root, api_as):
    response = api_as(root).get("/api/v1/org-units/?page_size=500")
    assert response.status_code == 200
    seen = {row["id"] for row in response.json()["results"]}
    geographic = {
        world.county,
        world.township_a,
        world.township_b,
        world.village_a,
        world.village_b,
        world.grid_a,
        world.grid_a2,
        world.grid_b,
    }
    assert seen == {u.pk for u in geographic}


def test_a_superuser_may_record_an_appointment(world, root, api_as):
    response = api_as(root).post(
        "/api/v1/positions/",
        {
            "org_unit": world.township_b.pk,
            "role": "first_responsible",
            "holder_name": "孙新任",
            "title": "党委书记",
            "start_date": "2024-06-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["holder_name"] == "孙新任"
    world.position_b.refresh_from_db()
    assert world.position_b.end_date == datetime.date(2024, 5, 31)
    assert Position.objects.filter(org_unit=world.township_b).count() == 2


def test_a_township_user_may_not_record_an_appointment(world, api_as):
    response = api_as(world.users["township_a"]).post(
        "/api/v1/positions/",
        {
            "org_unit": world.township_a.pk,
            "role": "first_responsible",
            "holder_name": "越权",
            "start_date": "2024-06-01",
        },
        format="json",
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Position.objects.filter(holder_name="越权").exists()


def test_a_superuser_may_open_the_office_pages(root, client):
    client.force_login(root)
    assert client.get("/accounts/users/").status_code == 200
    assert client.get("/audit/").status_code == 200
    assert client.get("/orgs/import/").status_code == 200
