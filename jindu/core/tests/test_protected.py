"""One protected-number type (encrypted, keyed hash with its own key, masked) and key
rotation with MultiFernet in batches (issue 10)."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from jindu.control.models import Person
from jindu.control.services import registry
from jindu.control.tests import factories
from jindu.core import crypto
from jindu.core.protected import protected_numbers


def test_assigning_a_number_writes_cipher_hash_and_mask_together(world):
    person = factories.person(world)
    number = person.id_number
    assert person.id_hash == crypto.lookup_hash(number)
    assert person.id_masked == crypto.mask_id_number(number)
    assert number not in person.id_number_encrypted
    assert (Person, Person.__dict__["id_number"]) in protected_numbers()


def test_the_hash_key_is_separate_from_the_encryption_key(monkeypatch):
    before = crypto.lookup_hash("430421199001011233")
    monkeypatch.setenv(crypto.HASH_ENV_NAME, "a-separate-hash-key-for-the-lookups-0123456789")
    separate = crypto.lookup_hash("430421199001011233")
    assert separate != before
    # Changing the encryption key no longer changes the hash.
    monkeypatch.setenv(crypto.ENV_NAME, Fernet.generate_key().decode())
    assert crypto.lookup_hash("430421199001011233") == separate


@pytest.mark.django_db(transaction=True)
def test_rotate_field_key_re_encrypts_in_batches(monkeypatch):
    from conftest import build_world

    world = build_world()
    people = [factories.person(world, name=f"张{i}") for i in range(3)]
    numbers = {p.pk: p.id_number for p in people}
    old = crypto._key_material()
    new = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_NAME, f"{new},{old}")
    monkeypatch.setenv(crypto.HASH_ENV_NAME, "a-new-hash-key-after-rotation-0123456789abcdef")
    call_command("rotate_field_key", "--batch-size", "2")
    monkeypatch.setenv(crypto.ENV_NAME, new)  # the old key is gone
    for person in Person.objects.all():
        assert person.id_number == numbers[person.pk]
        assert Fernet(new.encode()).decrypt(person.id_number_encrypted.encode())
        assert person.id_hash == crypto.lookup_hash(numbers[person.pk])
    found = registry.find_by_id_number(world.users["office_admin"], numbers[people[0].pk])
    assert found == people[0]


def test_every_identity_number_uses_the_one_type():
    """Suspects, outbound traffickers, tip reporters and pharmacy buyers, like the people
    under control, keep their numbers through core.protected.ProtectedNumber."""
    from jindu.enforcement.models import OutboundTrafficker, Suspect, Tip
    from jindu.precursors.models import LedgerEntry

    declared = {(model.__name__, field.name) for model, field in protected_numbers()}
    assert {
        ("Person", "id_number"),
        ("Person", "phone"),
        ("Suspect", "id_number"),
        ("OutboundTrafficker", "id_number"),
        ("Tip", "reporter_name"),
        ("Tip", "reporter_phone"),
        ("LedgerEntry", "buyer_id_number"),
    } <= declared

    number = "430421199001011233"
    for model in (Suspect, OutboundTrafficker):
        row = model()
        row.id_number = f" {number} "
        assert row.id_number == number
        assert number not in row.id_number_encrypted
        assert row.id_hash == crypto.lookup_hash(number)
        assert row.id_masked == crypto.mask_id_number(number)

    tip = Tip()
    tip.reporter_name, tip.reporter_phone = "王某", "139-0000-1111"
    assert (tip.reporter_name, tip.reporter_phone) == ("王某", "13900001111")
    assert tip.reporter_phone_hash == crypto.lookup_hash("13900001111")
    assert "13900001111" not in tip.reporter_phone_encrypted

    line = LedgerEntry()
    line.buyer_id_number = number
    assert line.buyer_id_hash == crypto.lookup_hash(number)
    assert line.buyer_id_masked == crypto.mask_id_number(number)
    with pytest.raises(AttributeError, match="only as its hash"):
        line.buyer_id_number  # noqa: B018 - the number itself is not kept


@pytest.mark.django_db(transaction=True)
def test_rotation_covers_the_tip_reporters_and_says_what_it_cannot_re_hash(monkeypatch):
    import datetime
    from io import StringIO

    from conftest import build_world
    from jindu.enforcement.models import Tip

    world = build_world()
    unit = world.township_a
    tips = []
    for i in range(3):
        tip = Tip(received_date=datetime.date(2024, 1, 2), channel="hotline", org_unit=unit)
        tip.content = "举报内容"
        tip.reporter_name, tip.reporter_phone = f"举报人{i}", f"1390000111{i}"
        tip.save()
        tips.append(tip)
    old = crypto._key_material()
    new = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_NAME, f"{new},{old}")
    monkeypatch.setenv(crypto.HASH_ENV_NAME, "another-hash-key-for-the-rotation-0123456789")
    out = StringIO()
    call_command("rotate_field_key", "--batch-size", "2", stdout=out)
    monkeypatch.setenv(crypto.ENV_NAME, new)  # the old key is gone
    for i, tip in enumerate(Tip.objects.order_by("pk")):
        assert (tip.reporter_name, tip.reporter_phone) == (f"举报人{i}", f"1390000111{i}")
        assert tip.reporter_phone_hash == crypto.lookup_hash(f"1390000111{i}")
    assert "enforcement.Tip: 3 rows re-encrypted" in out.getvalue()
    assert "precursors.LedgerEntry.buyer_id_number: kept only as a keyed hash" in out.getvalue()
