"""The audit trail: append-only, it says who changed what from where, and the office reads it."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings

from conftest import PASSWORD
from jindu.audit import services as audit
from jindu.audit.models import AuditAction, AuditEvent
from jindu.orgs.models import OrgUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def unit_form_data(unit: OrgUnit, **changes) -> dict:
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "address": unit.address,
        "phone": unit.phone,
        "sort_order": unit.sort_order,
        "is_active": "on" if unit.is_active else "",
    }
    data.update(changes)
    return data


def update_events(unit):
    return AuditEvent.objects.filter(
        action=AuditAction.UPDATE, model="orgs.OrgUnit", object_id=str(unit.pk)
    )


# --- append-only ---------------------------------------------------------------------------


@pytest.fixture
def event(db):
    return audit.record(None, AuditAction.IMPORT, model_label="orgs.OrgUnit", object_repr="x")


def test_saving_an_existing_event_is_refused(event):
    event.object_repr = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "x"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(actor_name="nobody")
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "x"


def test_queryset_delete_is_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_is_refused(event):
    event.object_repr = "tampered"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["object_repr"])
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "x"


# --- where a change comes from -------------------------------------------------------------


def test_a_web_change_records_the_actor_and_remote_address(world, client):
    admin = world.users["office_admin"]
    client.force_login(admin)
    url = f"/orgs/{world.township_a.pk}/edit/"
    response = client.post(
        url, unit_form_data(world.township_a, name="甲镇（新）"), REMOTE_ADDR="10.20.30.40"
    )
    assert response.status_code == 302, response.context["form"].errors
    event = update_events(world.township_a).get()
    assert event.actor == admin
    assert event.actor_name == "office_admin"
    assert event.ip == "10.20.30.40"
    assert event.path == url
    assert event.changes == {"name": ["甲镇", "甲镇（新）"]}


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.2"])
def test_behind_the_proxy_the_first_forwarded_address_is_recorded(world, client):
    client.force_login(world.users["office_admin"])
    client.post(
        f"/orgs/{world.township_a.pk}/edit/",
        unit_form_data(world.township_a, phone="0734-1"),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.2",
    )
    assert update_events(world.township_a).get().ip == "203.0.113.9"


@override_settings(BEHIND_TLS_PROXY=False)
def test_without_a_proxy_a_forwarded_address_is_not_believed(world, client):
    client.force_login(world.users["office_admin"])
    client.post(
        f"/orgs/{world.township_a.pk}/edit/",
        unit_form_data(world.township_a, phone="0734-2"),
        REMOTE_ADDR="192.0.2.5",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert update_events(world.township_a).get().ip == "192.0.2.5"


def test_a_malformed_forwarded_address_does_not_break_the_change(world, client):
    """An address column refuses junk on PostgreSQL, so junk must not reach it."""
    client.force_login(world.users["office_admin"])
    response = client.post(
        f"/orgs/{world.township_a.pk}/edit/",
        unit_form_data(world.township_a, phone="0734-3"),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="unknown, 10.0.0.2",
    )
    assert response.status_code == 302
    event = update_events(world.township_a).get()
    assert event.ip in (None, "127.0.0.1", "10.0.0.2")
    assert OrgUnit.objects.get(pk=world.township_a.pk).phone == "0734-3"


def test_a_change_outside_a_request_has_no_address(world):
    from jindu.orgs import services

    services.update_unit(world.users["office_admin"], world.township_a, name="甲镇二")
    event = update_events(world.township_a).get()
    assert event.ip is None and event.path == ""


# --- logins --------------------------------------------------------------------------------


def test_a_successful_login_is_recorded_with_user_and_address(world, client):
    response = client.post(
        "/login/", {"username": "township_a", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == world.users["township_a"]
    assert event.ip == "10.9.8.7"
    assert event.path == "/login/"


def test_a_failed_login_is_recorded_with_the_username_tried(world, client):
    response = client.post(
        "/login/", {"username": "township_a", "password": "wrong-password"}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert event.object_repr == "township_a"
    assert event.ip == "10.9.8.7"
    assert "wrong-password" not in str(event.changes)
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_a_logout_is_recorded(world, client):
    client.post("/login/", {"username": "township_a", "password": PASSWORD})
    client.post("/logout/")
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == world.users["township_a"]


# --- reading the trail ---------------------------------------------------------------------


@pytest.fixture
def dated_events(world):
    """Three events on three days by two users (plus the world's own, made today)."""
    admin, leader = world.users["office_admin"], world.users["leader"]

    def at(day):
        return mock.patch(
            "django.utils.timezone.now",
            return_value=datetime.datetime(2025, 1, day, 10, 0, tzinfo=SHANGHAI),
        )

    with at(5):
        a = audit.record(admin, AuditAction.UPDATE, world.township_a, changes={"n": [1, 2]})
    with at(15):
        b = audit.record(leader, AuditAction.LOGIN, leader)
    with at(25):
        c = audit.record(admin, AuditAction.CREATE, world.village_a, changes={"n": [None, 1]})
    return a, b, c


def listed(response):
    assert response.status_code == 200
    return {e.pk for e in response.context["page"].object_list}


def test_office_admin_sees_the_trail(world, client, dated_events):
    client.force_login(world.users["office_admin"])
    response = client.get("/audit/")
    assert {e.pk for e in dated_events} <= listed(response)
    assert "甲一村" in response.content.decode()


def test_the_trail_filters_by_actor(world, client, dated_events):
    client.force_login(world.users["office_admin"])
    assert listed(client.get("/audit/", {"actor": "leader"})) == {dated_events[1].pk}


def test_the_trail_filters_by_action(world, client, dated_events):
    client.force_login(world.users["office_admin"])
    seen = listed(client.get("/audit/", {"action": "update"}))
    assert seen == {dated_events[0].pk}


def test_the_trail_filters_by_date_range(world, client, dated_events):
    client.force_login(world.users["office_admin"])
    a, b, c = (e.pk for e in dated_events)
    assert listed(client.get("/audit/", {"date_from": "2025-01-10", "date_to": "2025-01-20"})) == {
        b
    }
    assert listed(client.get("/audit/", {"date_from": "2025-01-15", "date_to": "2025-01-31"})) == {
        b,
        c,
    }
    assert listed(client.get("/audit/", {"date_to": "2025-01-05"})) == {a}


def test_filters_combine(world, client, dated_events):
    client.force_login(world.users["office_admin"])
    response = client.get(
        "/audit/", {"actor": "office", "date_from": "2025-01-01", "date_to": "2025-01-31"}
    )
    assert listed(response) == {dated_events[0].pk, dated_events[2].pk}


@pytest.mark.parametrize("persona", ["leader", "township_a", "township_b", "member", "grid_a"])
def test_the_trail_is_forbidden_to_everyone_but_the_office(world, client, persona):
    client.force_login(world.users[persona])
    assert client.get("/audit/").status_code == 403
