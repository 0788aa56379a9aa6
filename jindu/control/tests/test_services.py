"""The registry's actions: every write validated, scoped and audited; numbers encrypted at
rest, found by keyed hash, shown masked; every opening of a file logged."""

import datetime

import pytest
from django.db import connection

from jindu.audit.models import AuditEvent
from jindu.control import crypto
from jindu.control.models import (
    ControlAssignment,
    FileAccess,
    Finding,
    Person,
    ResidenceChange,
    StatusChange,
)
from jindu.control.services import registry
from jindu.core.errors import Conflict, NotAllowed, Refused

from .factories import D, id_number, person


def test_register_writes_the_person_history_and_audit_rows(world):
    before = AuditEvent.objects.count()
    p = person(world, finding_place="甲一村", status_since=D(2019, 5, 2))
    assert p.birth_date == D(1990, 1, 1) and p.gender == "male"
    assert list(StatusChange.objects.filter(person=p).values_list("status", "date")) == [
        ("in_society", D(2019, 5, 2))
    ]
    assert Finding.objects.get(person=p).place == "甲一村"
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [e.model for e in events] == [
        "control.Person",
        "control.StatusChange",
        "control.Finding",
    ]
    assert events[0].actor == world.users["township_a"]
    # The audit trail shows the masked number, never ciphertext, hash or the full number.
    changes = str(events[0].changes)
    assert p.id_masked in changes
    assert p.id_number not in changes
    assert "id_number_encrypted" not in changes and "id_hash" not in changes


def test_identity_and_phone_numbers_are_encrypted_at_rest(world):
    number = id_number(D(1988, 8, 8))
    p = person(world, id_number=number, phone="138-1234-5678")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, id_hash, phone_encrypted, phone_hash, id_masked "
            "FROM control_person WHERE id = %s",
            [p.pk],
        )
        encrypted, digest, phone, phone_hash, masked = cursor.fetchone()
    assert number not in encrypted and number[6:14] not in encrypted
    assert "13812345678" not in phone
    assert digest != number and len(digest) == 64
    assert masked == number[:6] + "********" + number[-4:]
    reloaded = Person.objects.get(pk=p.pk)
    assert reloaded.id_number == number
    assert reloaded.phone == "13812345678"
    assert reloaded.phone_masked == "138****5678"
    assert phone_hash == crypto.lookup_hash("13812345678")


def test_the_keyed_hash_finds_a_person_only_within_scope(world):
    number = id_number(D(1991, 3, 3))
    p = person(world, id_number=number.lower())
    assert registry.find_by_id_number(world.users["township_a"], number) == p
    assert registry.find_by_id_number(world.users["station_a"], number) == p
    assert registry.find_by_id_number(world.users["township_b"], number) is None
    assert registry.find_by_id_number(world.users["grid_a"], number) is None


def test_the_hash_depends_on_the_key(settings, monkeypatch):
    first = crypto.lookup_hash("430421199001011233")
    monkeypatch.setenv(crypto.ENV_NAME, "x" * 43 + "=")
    assert crypto.lookup_hash("430421199001011233") != first


def test_production_refuses_to_encrypt_without_the_key(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv(crypto.ENV_NAME, raising=False)
    settings.DEBUG = False
    settings.SETTINGS_MODULE = "jindu.settings"
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        crypto.encrypt("430421199001011233")


def test_a_key_from_the_environment_is_used(monkeypatch):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_NAME, key)
    token = crypto.encrypt("13812345678")
    assert Fernet(key.encode()).decrypt(token.encode()) == b"13812345678"


def test_masking():
    assert crypto.mask_id_number("43042119900101123X") == "430421********123X"
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_id_number("") == crypto.mask_phone("") == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "430421199001011234"}, "id_number"),
        ({"gender": "female", "id_number": "430421199001011233"}, "id_number"),
        ({"name": " "}, "name"),
        ({"drug_types": ["heroin", "fentanyl"]}, "drug_types"),
        ({"phone": "12"}, "phone"),
        (
            {"first_found_date": D(1980, 1, 1), "id_number": "430421199001011233"},
            "first_found_date",
        ),
        ({"residence_unit": "township"}, "residence_unit"),
    ],
)
def test_invalid_registrations_are_refused_with_the_field(world, change, field):
    if change.get("residence_unit") == "township":
        change["residence_unit"] = world.township_a
    before = AuditEvent.objects.count()
    with pytest.raises(Refused) as error:
        person(world, **change)
    assert field in error.value.errors, error.value.errors
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_a_duplicate_visible_to_the_actor_is_refused_with_its_id(world):
    number = id_number()
    first = person(world, id_number=number)
    with pytest.raises(registry.DuplicatePerson) as error:
        person(world, world.users["station_a"], id_number=number, name="重复")
    assert error.value.existing_id == first.pk
    assert error.value.status == 409
    assert str(first.pk) in str(error.value.message)


def test_a_duplicate_outside_the_actors_area_is_refused_without_a_link(world):
    number = id_number()
    person(world, id_number=number)
    with pytest.raises(registry.DuplicatePerson) as error:
        person(world, world.users["township_b"], unit=world.village_b, id_number=number)
    assert error.value.existing_id is None
    # Referred to the office without confirming the registration (issue 16, item 1).
    assert "县禁毒办" in str(error.value.message) and "已登记" not in str(error.value.message)
    assert Person.objects.count() == 1


@pytest.mark.parametrize("persona", ["grid_a", "leader", "member", "township_b"])
def test_who_may_not_register_in_township_a(world, persona):
    with pytest.raises(NotAllowed):
        person(world, world.users[persona])


def test_station_registers_in_the_townships_it_covers(world):
    assert person(world, world.users["station_a"], unit=world.grid_a).residence_unit == world.grid_a
    with pytest.raises(NotAllowed):
        person(world, world.users["station_a"], unit=world.village_b)


def test_update_corrects_the_registry_and_rechecks_the_number(world):
    p = person(world)
    other = person(world, name="李测试")
    new_number = id_number(D(1985, 11, 20))
    registry.update_person(world.users["township_a"], p, id_number=new_number, phone="")
    p.refresh_from_db()
    assert p.id_number == new_number and p.birth_date == D(1985, 11, 20)
    assert p.phone_masked == "" and p.phone_hash == ""
    with pytest.raises(registry.DuplicatePerson):
        registry.update_person(world.users["township_a"], p, id_number=other.id_number)
    with pytest.raises(Refused):
        registry.update_person(world.users["township_a"], p, residence_unit=world.village_b)
    with pytest.raises(NotAllowed):
        registry.update_person(world.users["township_b"], p, name="改名")


def test_status_history_is_kept_and_the_latest_is_current(world):
    p = person(world)
    actor = world.users["station_a"]
    registry.change_status(actor, p, date=D(2021, 3, 1), status="in_custody", reason="刑拘")
    registry.change_status(actor, p, date=D(2020, 6, 1), status="moved_out", reason="补录")
    p.refresh_from_db()
    assert (p.status, p.status_since) == ("in_custody", D(2021, 3, 1))
    assert p.status_changes.count() == 3
    with pytest.raises(Refused):
        registry.change_status(actor, p, date=D(2021, 3, 1), status="abroad")
    with pytest.raises(Refused):
        registry.change_status(
            actor, p, date=datetime.date.today() + datetime.timedelta(1), status="deceased"
        )


def test_risk_level_is_the_latest_assessment(world):
    p = person(world)
    actor = world.users["township_a"]
    registry.assess_risk(actor, p, date=D(2021, 1, 1), level="high", factors=["近期复吸"])
    registry.assess_risk(actor, p, date=D(2020, 1, 1), level="low")
    p.refresh_from_db()
    assert (p.risk_level, p.risk_date) == ("high", D(2021, 1, 1))
    with pytest.raises(Refused) as error:
        registry.assess_risk(actor, p, date=D(2021, 2, 1), level="medium")
    assert "factors" in error.value.errors


def test_assignments_cannot_overlap_for_the_same_worker_and_role(world):
    p = person(world)
    actor = world.users["township_a"]
    a = registry.assign(
        actor,
        p,
        responsible_name="王社工",
        responsible_role="social_worker",
        start_date=D(2021, 1, 1),
    )
    with pytest.raises(Refused):
        registry.assign(
            actor,
            p,
            responsible_name="王社工",
            responsible_role="social_worker",
            start_date=D(2021, 6, 1),
        )
    registry.assign(
        actor, p, responsible_name="赵民警", responsible_role="police", start_date=D(2021, 6, 1)
    )
    registry.end_assignment(actor, a, end_date=D(2021, 5, 31))
    registry.assign(
        actor,
        p,
        responsible_name="王社工",
        responsible_role="social_worker",
        start_date=D(2021, 6, 1),
    )
    assert ControlAssignment.objects.filter(person=p).count() == 3
    with pytest.raises(Refused):
        registry.end_assignment(actor, a, end_date=D(2020, 1, 1))


def test_sick_and_disabled_admission(world):
    p = person(world)
    actor = world.users["township_a"]
    record = registry.flag_sick_disabled(
        actor, p, condition="艾滋病", identified_date=D(2021, 1, 1)
    )
    with pytest.raises(Refused):
        registry.record_admission(actor, record, admitted_date=D(2020, 12, 31))
    registry.record_admission(actor, record, admitted_date=D(2021, 2, 1), admitted_to="县医院")
    record.refresh_from_db()
    assert (record.admitted_date, record.admitted_to) == (D(2021, 2, 1), "县医院")


def test_a_move_to_another_township_moves_the_file_and_its_history(world, api_as):
    p = person(world)
    registry.assess_risk(
        world.users["township_a"], p, date=D(2021, 1, 1), level="medium", factors=["无业"]
    )
    change = registry.move_residence(
        world.users["township_a"],
        p,
        residence_unit=world.grid_b,
        date=D(2021, 6, 1),
        reason="迁居乙乡",
    )
    assert change.from_unit == world.village_a and change.report_due is None
    assert not Person.objects.restrict(world.users["township_a"]).filter(pk=p.pk).exists()
    b = world.users["township_b"]
    assert Person.objects.restrict(b).filter(pk=p.pk).exists()
    assert p.risk_assessments.model.objects.restrict(b).filter(person=p).count() == 1
    assert ResidenceChange.objects.restrict(b).filter(person=p).count() == 1
    with pytest.raises(Refused):
        registry.move_residence(b, p, residence_unit=world.grid_b, date=D(2021, 7, 1))


# ---------------------------------------------------------------- opening a file


@pytest.mark.parametrize(
    ("persona", "full_id", "full_phone"),
    [
        ("office_admin", True, True),
        ("station_a", True, True),
        ("township_a", False, True),
        ("leader", False, False),
    ],
)
def test_opening_a_file_is_logged_and_only_some_roles_see_full_numbers(
    world, persona, full_id, full_phone
):
    p = person(world)
    user = world.users[persona]
    opened = registry.open_file(user, p, reason="control_work")
    assert (opened.id_number == p.id_number) is full_id
    assert opened.id_number in (p.id_number, p.id_masked)
    assert (opened.phone == p.phone) is full_phone
    access = FileAccess.objects.get()
    assert (access.user, access.person, access.reason, access.full_numbers) == (
        user,
        p,
        "control_work",
        full_id,
    )
    assert AuditEvent.objects.filter(model="control.FileAccess").count() == 1


def test_opening_needs_a_reason_and_visibility(world):
    p = person(world)
    with pytest.raises(Refused):
        registry.open_file(world.users["township_a"], p, reason="curiosity")
    with pytest.raises(Refused) as error:
        registry.open_file(world.users["township_a"], p, reason="other")
    assert "note" in error.value.errors
    for persona in ("township_b", "grid_a", "member"):
        with pytest.raises(NotAllowed):
            registry.open_file(world.users[persona], p, reason="case_handling")
    with pytest.raises(NotAllowed):
        registry.open_file(None, p, reason="case_handling")
    assert FileAccess.objects.count() == 0


def test_only_the_office_reviews_the_access_log(world):
    p = person(world)
    registry.open_file(world.users["station_a"], p, reason="case_handling")
    assert FileAccess.objects.restrict(world.users["office_admin"]).count() == 1
    for persona in ("station_a", "township_a", "leader", "grid_a"):
        assert FileAccess.objects.restrict(world.users[persona]).count() == 0


def test_grid_workers_and_member_units_see_no_person(world):
    person(world, unit=world.grid_a)
    for persona in ("grid_a", "member"):
        assert Person.objects.restrict(world.users[persona]).count() == 0
        assert StatusChange.objects.restrict(world.users[persona]).count() == 0
    assert Person.objects.restrict(world.users["leader"]).count() == 1
    assert Person.objects.restrict(world.users["leader"], "change").count() == 0
    with pytest.raises(Conflict.__mro__[1]):  # Refused: NotAllowed for the leader
        registry.change_status(
            world.users["leader"], Person.objects.get(), date=D(2021, 1, 1), status="deceased"
        )
