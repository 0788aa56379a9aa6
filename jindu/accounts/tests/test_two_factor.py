"""Two factors for the roles that see most (issue 16, item 5)."""

import time

import pytest
from django.core.management import call_command

from conftest import PASSWORD
from jindu.accounts import otp
from jindu.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["office_admin", "leader"]
    settings.TWO_FACTOR_API = True


def login(client, username):
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_office_and_leader_must_enrol_then_enter_a_code_before_any_page(world, client):
    login(client, "office_admin")
    response = client.get("/orgs/")
    assert response.status_code == 302 and response.url.startswith("/accounts/otp/")
    page = client.get("/accounts/otp/")
    device = page.context["enrol"]
    assert not device.confirmed
    done = client.post("/accounts/otp/?next=/orgs/", {"code": otp.current_code(device)})
    codes = done.context["recovery_codes"]
    assert len(codes) == otp.RECOVERY_CODES
    assert client.get("/orgs/").status_code == 200
    # Next login: the code again; a recovery code works once.
    client.post("/logout/")
    login(client, "office_admin")
    assert client.get("/orgs/").status_code == 302
    assert client.post("/accounts/otp/", {"code": codes[0]}).status_code == 302
    assert client.get("/orgs/").status_code == 200
    client.post("/logout/")
    login(client, "office_admin")
    client.post("/accounts/otp/", {"code": codes[0]})
    assert client.get("/orgs/").status_code == 302


def test_other_roles_need_no_second_factor(world, client):
    login(client, "township_a")
    assert client.get("/").status_code == 200


def test_the_office_resets_a_second_factor_audited(world, client):
    leader = world.users["leader"]
    otp.enrol_demo(leader)
    office = world.users["office_admin"]
    otp.enrol_demo(office)
    login(client, "office_admin")
    client.post("/accounts/otp/", {"code": otp.current_code(otp.totp_device(office))})
    response = client.post(f"/accounts/users/{leader.pk}/otp-reset/")
    assert response.status_code == 302
    assert otp.totp_device(leader) is None
    assert AuditEvent.objects.filter(
        actor=office, object_id=str(leader.pk), changes__second_factor=["reset", None]
    ).exists()


def test_api_tokens_for_these_roles_need_the_code(world, api_client):
    office = world.users["office_admin"]
    device = otp.enrol_demo(office)
    body = {"username": "office_admin", "password": PASSWORD}
    refused = api_client.post("/api/v1/auth/token/", body, format="json")
    assert refused.status_code == 400 and "otp" in refused.json()["errors"]
    ok = api_client.post(
        "/api/v1/auth/token/", {**body, "otp": otp.current_code(device)}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["token"]


def test_without_the_api_rule_the_demo_token_request_works(world, api_client, settings):
    settings.TWO_FACTOR_API = False
    otp.enrol_demo(world.users["office_admin"])
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "office_admin", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_a_full_identity_number_asks_for_the_code_again_when_the_check_is_old(world, client):
    from jindu.control.tests.factories import person

    p = person(world)
    office = world.users["office_admin"]
    device = otp.enrol_demo(office)
    login(client, "office_admin")
    client.post("/accounts/otp/", {"code": otp.current_code(device)})
    url = f"/control/persons/{p.pk}/"
    client.post(url, {"reason": "statistics", "note": ""})
    page = client.get(url)
    assert page.status_code == 200 and p.id_number in page.content.decode()
    session = client.session
    session[otp.CHECKED_AT] = time.time() - 3600
    session.save()
    again = client.get(url)
    assert again.status_code == 302 and again.url.startswith("/accounts/otp/")


def test_demo_otp_prints_the_code_of_a_demo_account(world, capsys):
    device = otp.enrol_demo(world.users["leader"])
    call_command("demo_otp", "leader")
    assert capsys.readouterr().out.strip() == otp.current_code(device)
    with pytest.raises(Exception, match="not a demo account"):
        call_command("demo_otp", "township_a")
