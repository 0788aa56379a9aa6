"""Security posture: production settings pass Django's deploy check, pages carry a strict CSP
and no inline script, sessions expire when idle, and nothing is served to anonymous users."""

import datetime
import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"

# Environment variables the settings read; none may leak from the test process.
_PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")


def production_env(tmp_path) -> dict:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {k: v for k, v in os.environ.items() if k in _PASSTHROUGH}
    env.update(
        DJANGO_SETTINGS_MODULE="jindu.settings",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        ALLOWED_HOSTS="jindu.example.gov.cn",
        JINDU_IGNORE_ENV_FILE="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        FIELD_ENCRYPTION_KEY="u0Jx5Yb1bQh6b7Zl1eS2mJ0dH0xqM2Zk3u8Yk6c9pVQ=",
    )
    return env


def run(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    env = production_env(tmp_path)
    assert "DEBUG" not in env
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_with_debug_on(tmp_path):
    """The check above could only pass vacuously if it did not look: with DEBUG on it fails."""
    env = {**production_env(tmp_path), "DEBUG": "1"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_field_encryption_key(tmp_path):
    """Identity and phone numbers are encrypted with it: no key, no start (control.E002)."""
    env = production_env(tmp_path)
    del env["FIELD_ENCRYPTION_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "control.E002" in result.stdout + result.stderr
    assert "FIELD_ENCRYPTION_KEY" in result.stdout + result.stderr


PRINT_SETTINGS = """
import datetime
import json
import django
django.setup()
from django.conf import settings
from django.utils import timezone
from django.contrib.auth.hashers import make_password
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "PASSWORD_HASHERS": settings.PASSWORD_HASHERS,
    "hash": make_password("Test-password-2026"),
    "SESSION_RENEW_SECONDS": settings.SESSION_RENEW_SECONDS,
    "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
}))
"""


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory):
    result = run(["-c", PRINT_SETTINGS], production_env(tmp_path_factory.mktemp("prod")))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_hashes_passwords_with_argon2(production_settings):
    assert production_settings["PASSWORD_HASHERS"][0] == ARGON2
    assert production_settings["hash"].startswith("argon2$")


def test_production_sessions_expire_when_idle(production_settings):
    assert 0 < production_settings["SESSION_COOKIE_AGE"] <= 3600
    # Renewed often enough that the idle limit holds to within a few per cent.
    assert 0 < production_settings["SESSION_RENEW_SECONDS"] <= 120


def test_production_cookies_and_transport_are_secure(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600


def test_the_running_settings_expire_idle_sessions():
    assert settings.SESSION_COOKIE_AGE <= 3600
    assert 0 < settings.SESSION_RENEW_SECONDS < settings.SESSION_COOKIE_AGE


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_active_session_is_renewed_once_a_renewal_interval_has_passed(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jindu.accounts.middleware import RENEWED_AT

    client.force_login(world.users["township_a"])
    assert client.get("/orgs/").status_code == 200
    first = _expiry(client)
    # Within the interval a request writes nothing to the session.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/orgs/").status_code == 200
    assert not [q for q in queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
    assert _expiry(client) == first
    # Past it, the next request pushes the idle expiry forward.
    session = client.session
    session[RENEWED_AT] -= settings.SESSION_RENEW_SECONDS + 1
    session.save()
    Session = type(session).get_model_class()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=first - datetime.timedelta(seconds=120)
    )
    assert client.get("/orgs/").status_code == 200
    renewed = _expiry(client)
    assert renewed > first - datetime.timedelta(seconds=120)
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_an_idle_session_ends(world, client):
    client.force_login(world.users["township_a"])
    assert client.get("/orgs/").status_code == 200
    Session = type(client.session).get_model_class()
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/orgs/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- headers and markup --------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(
    r"<[a-zA-Z][^>]*?\s(on[a-zA-Z]+|hx-on[\w:.-]*)\s*=", re.IGNORECASE | re.DOTALL
)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_secure_html(response, url):
    assert response["Content-Type"].startswith("text/html"), url
    directives = csp_directives(response)
    assert directives, f"{url}: no Content-Security-Policy header"
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, f"{url}: CSP restricts no scripts"
    assert "'unsafe-inline'" not in script_src, url
    assert "'unsafe-eval'" not in script_src, url
    assert "'none'" in directives.get("object-src", []), url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["X-Frame-Options"] == "DENY", url


def assert_no_inline_script(html, url):
    inline = [body.strip()[:60] for _attrs, body in INLINE_SCRIPT.findall(html) if body.strip()]
    assert not inline, f"{url}: inline <script> {inline}"
    handlers = EVENT_HANDLER.findall(html)
    assert not handlers, f"{url}: inline event handlers {handlers}"
    assert not JAVASCRIPT_URL.search(html), f"{url}: javascript: URL"


def office_pages(world):
    admin = world.users["office_admin"]
    return [
        "/",
        "/orgs/",
        "/orgs/member-units/",
        "/orgs/stations/",
        f"/orgs/{world.township_a.pk}/",
        f"/orgs/{world.station_a.pk}/",
        f"/orgs/{world.township_a.pk}/edit/",
        f"/orgs/{world.township_a.pk}/positions/new/",
        "/orgs/new/",
        "/orgs/positions/",
        "/orgs/import/",
        "/accounts/profile/",
        "/accounts/users/",
        "/accounts/users/new/",
        f"/accounts/users/{world.users['grid_a'].pk}/",
        "/audit/",
        f"/audit/?actor={admin.username}",
    ]


def test_the_office_admins_pages_are_secure_and_free_of_inline_script(world, client):
    client.force_login(world.users["office_admin"])
    # Something in the audit trail and the profile token, so those pages render rows.
    appointed = client.post(
        f"/orgs/{world.township_a.pk}/positions/new/",
        {"role": "direct_responsible", "holder_name": "李分管", "start_date": "2024-06-01"},
    )
    assert appointed.status_code == 302
    assert client.post("/accounts/profile/token/").status_code == 200
    for url in office_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_html(response, url)
        assert_no_inline_script(response.content.decode(), url)


def test_error_and_login_pages_are_secure_too(world, client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert_secure_html(response, "/login/")
    assert_no_inline_script(response.content.decode(), "/login/")
    client.force_login(world.users["township_a"])
    for url, status in (("/audit/", 403), ("/orgs/999999/", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        assert_secure_html(response, url)
        assert_no_inline_script(response.content.decode(), url)


def test_a_form_with_errors_stays_free_of_inline_script(world, client):
    client.force_login(world.users["office_admin"])
    response = client.post("/orgs/new/", {"code": "x", "name": "", "kind": "village"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert_secure_html(response, "/orgs/new/")
    assert_no_inline_script(response.content.decode(), "/orgs/new/")


def test_the_inline_script_detector_would_notice_one():
    assert INLINE_SCRIPT.findall('<script>alert("x")</script>')
    assert not [b for _a, b in INLINE_SCRIPT.findall('<script src="/a.js"></script>') if b.strip()]
    assert EVENT_HANDLER.findall('<button type="button" onclick="go()">')
    assert EVENT_HANDLER.findall('<div hx-on:click="go()">')
    assert not EVENT_HANDLER.findall('<p class="online">one = 1</p>')


# --- anonymous requests --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/login/?next=/"
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.django_db
def test_the_health_check_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/org-units/", "/api/v1/me/", "/api/v1/positions/"])
def test_the_api_answers_401_in_json_to_an_anonymous_client(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.django_db
def test_a_bad_token_gets_401_in_json(client):
    response = client.get("/api/v1/org-units/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json()["detail"]
