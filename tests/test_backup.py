"""Backups that are tested (issue 16, item 11): backup → restore keeps every table's rows and
the protected fields byte for byte; the daily check warns the office of an old backup."""

import datetime
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conftest import build_world
from jindu.audit.models import AlertKind, SecurityAlert
from jindu.control.models import Person
from jindu.control.tests.factories import person
from jindu.core import backup
from jindu.core.tasks import check_backup_age

PROTECTED = ("id_number_encrypted", "id_hash", "phone_encrypted", "phone_hash")


@pytest.fixture
def keys(tmp_path):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = tmp_path / "backup.pub"
    key = tmp_path / "backup.key"
    pub.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pub, key


def tables():
    return sorted(
        m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy
    )


def checksum(rows) -> str:
    digest = hashlib.sha256()
    for values in rows:
        digest.update(repr(tuple(str(v) for v in values)).encode())
    return digest.hexdigest()


def live_figures(cursor):
    counts = {}
    for table in tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    cursor.execute(f'SELECT {", ".join(PROTECTED)} FROM "{Person._meta.db_table}" ORDER BY id')
    return counts, checksum(cursor.fetchall())


def restored_cursor(target_url, where):
    if connection.vendor == "postgresql":
        import psycopg

        conn = psycopg.connect(target_url.replace("postgres://", "postgresql://"))
        return conn, conn.cursor()
    import sqlite3

    conn = sqlite3.connect(where)
    return conn, conn.cursor()


def test_backup_restore_round_trip_keeps_every_row(transactional_db, keys, tmp_path):
    world = build_world()
    for i in range(5):
        person(world, name=f"测试{i}")
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "a.txt").write_text("附件")
    with connection.cursor() as cursor:
        before = live_figures(cursor)  # the backup's own audit row comes after the dump
    path = backup.create_backup(tmp_path / "out", public_key_path=keys[0], media_root=media)
    assert b"\xe6\xb5\x8b\xe8\xaf\x95" not in path.read_bytes()  # encrypted: no clear text
    assert before[0]["control_person"] == 5
    if connection.vendor == "postgresql":
        name = f"jindu_restore_{abs(hash(str(tmp_path))) % 10**8}"
        db = connection.settings_dict
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        base = f"postgres://{db['USER'] or 'postgres'}@{host}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        target_url = f"{base}/{name}"
    else:
        target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored_media = tmp_path / "restored-media"
    try:
        call_command(
            "restore",
            str(path),
            private_key=str(keys[1]),
            database_url=target_url,
            media_root=str(restored_media),
        )
        conn, cursor = restored_cursor(target_url, tmp_path / "restored.sqlite3")
        try:
            assert live_figures(cursor) == before
        finally:
            conn.close()
        assert (restored_media / "attachments" / "a.txt").read_text() == "附件"
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_restoring_needs_the_private_key(transactional_db, keys, tmp_path):
    path = backup.create_backup(tmp_path, public_key_path=keys[0], media_root=tmp_path / "none")
    with pytest.raises(ValueError, match="private key"):
        backup.open_backup(path, private_key_path="")


def test_the_office_is_warned_when_the_last_backup_is_old(transactional_db, keys, tmp_path):
    assert check_backup_age.call("2026-12-01") is False  # never backed up
    assert SecurityAlert.objects.filter(kind=AlertKind.BACKUP_AGE).count() == 1
    backup.create_backup(tmp_path, public_key_path=keys[0], media_root=tmp_path / "none")
    assert check_backup_age.call("2026-12-02") is True
    later = timezone.now() + datetime.timedelta(hours=25)
    from unittest import mock

    with mock.patch("jindu.core.tasks.timezone.now", return_value=later):
        assert check_backup_age.call("2026-12-03") is False
