"""The registry is no oracle (issue 16, item 1): a number registered outside the caller's
area is answered "needs the county office" without confirming the registration, each such
refusal is audited by the number's keyed hash, and repeated refusals alert the office."""

import pytest
from django.test import override_settings
from django.urls import reverse

from jindu.audit.models import AlertKind, AuditAction, AuditEvent, SecurityAlert
from jindu.control.models import Person
from jindu.control.roster import importer as roster
from jindu.control.services import registry
from jindu.control.tests import factories
from jindu.control.tests.test_roster import row, xlsx

from .test_api import register


def refusals(user):
    return AuditEvent.objects.filter(
        actor=user, action=AuditAction.REFUSED, model="control.Person"
    ).filter(changes__has_key="id_hash")


def test_the_api_refusal_does_not_confirm_and_is_audited_by_keyed_hash(world, api_as):
    other = factories.person(world, world.users["township_a"])
    outsider = world.users["township_b"]
    response = register(
        api_as(outsider), world, id_number=other.id_number, residence_unit=world.village_b.pk
    )
    assert response.status_code == 409
    body = response.json()
    assert body["existing"] is None
    text = str(body)
    assert "registered" not in text and "登记" not in text and "already" not in text
    assert body["detail"] == str(registry.DuplicatePerson(None).message)
    event = refusals(outsider).get()
    assert event.changes["id_hash"] == [other.id_hash]
    assert other.id_number not in str(event.changes)


@override_settings(REGISTRY_REFUSAL_ALERT_AT=3)
def test_repeated_refusals_alert_the_office_once_a_day(world):
    outsider = world.users["township_b"]
    numbers = [factories.person(world, world.users["township_a"]).id_number for _ in range(4)]
    for number in numbers:
        with pytest.raises(registry.DuplicatePerson):
            factories.person(world, outsider, unit=world.village_b, id_number=number)
    assert refusals(outsider).count() == 4
    alert = SecurityAlert.objects.get(kind=AlertKind.REGISTRY_PROBE)
    assert outsider.username in alert.text
    assert Person.objects.filter(residence_unit=world.village_b).count() == 0


@override_settings(REGISTRY_REFUSAL_ALERT_AT=3)
def test_a_bulk_roster_names_no_outside_number_audits_them_and_alerts(world):
    outsider = world.users["township_b"]
    held = [factories.person(world, world.users["township_a"]) for _ in range(3)]
    rows = [row(world, 公民身份号码=p.id_number, 现居住地编码=world.village_b.code) for p in held]
    rows.append(row(world, 现居住地编码=world.village_b.code, 性别="?"))  # one bad row
    report = roster.import_roster(outsider, xlsx(rows))
    assert not report.finished and report.created == 0
    # The bad row is named; the three held elsewhere are only counted.
    assert [e.row for e in report.errors] == [5]
    assert report.referred_count == 3
    event = refusals(outsider).get()
    assert sorted(event.changes["id_hash"]) == sorted(p.id_hash for p in held)
    assert SecurityAlert.objects.filter(kind=AlertKind.REGISTRY_PROBE).exists()
    # The rolled-back import is itself in the trail (item 4).
    assert AuditEvent.objects.filter(
        actor=outsider, action=AuditAction.REFUSED, changes__has_key="bad_rows"
    ).exists()


def test_the_roster_page_shows_a_count_not_the_rows(world, login):
    held = factories.person(world, world.users["township_a"])
    client = login(world.users["township_b"])
    response = client.post(
        reverse("control:roster_import"),
        {
            "mode": "all",
            "file": _named(
                xlsx([row(world, 公民身份号码=held.id_number, 现居住地编码=world.village_b.code)])
            ),
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "禁毒办" in text or "county office" in text
    assert held.id_masked not in text


def _named(buffer):
    buffer.name = "roster.xlsx"
    return buffer
