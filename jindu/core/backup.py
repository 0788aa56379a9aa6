"""Backups that can be restored (issue 16, item 11).

A backup is one file: the database (``pg_dump -Fc`` on PostgreSQL, SQLite's online backup
otherwise) and the media folder, in a tar archive, encrypted for a key that is *not* on the
database host: a random Fernet key encrypts the archive and an RSA public key
(``BACKUP_PUBLIC_KEY``, a PEM file) encrypts that key. Restoring needs the private key
(``BACKUP_PRIVATE_KEY``), kept elsewhere (docs/deploy.md). Every backup is recorded in the
audit trail; a daily job warns the office when the last one is older than a day.
"""

import datetime
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.db import connection
from django.utils import timezone

MAGIC = b"JINDU-BACKUP-1\n"
OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
BACKUP_MODEL = "core.Backup"


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(
            ["pg_dump", "-Fc", *args, "-f", str(target), connection.settings_dict["NAME"]],
            check=True,
            env=env,
        )
        return
    # VACUUM INTO writes a consistent copy without waiting on the page-by-page backup API,
    # which retries for ever while another connection of a shared cache holds a lock.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(target)])


def _public_key(path):
    return serialization.load_pem_public_key(Path(path).read_bytes())


def _private_key(path):
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def create_backup(out_dir: Path, *, public_key_path=None, media_root=None) -> Path:
    """Write an encrypted backup into ``out_dir``; returns its path."""
    from jindu.audit import services as audit
    from jindu.audit.models import AuditAction

    public_key_path = public_key_path or getattr(settings, "BACKUP_PUBLIC_KEY", "")
    if not public_key_path:
        raise ValueError("BACKUP_PUBLIC_KEY is not set (docs/deploy.md)")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        database = work / ("database.dump" if connection.vendor == "postgresql" else "db.sqlite3")
        dump_database(database)
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w:gz") as tar:
            tar.add(database, arcname=database.name)
            if media_root.is_dir():
                tar.add(media_root, arcname="media")
        key = Fernet.generate_key()
        sealed_key = _public_key(public_key_path).encrypt(key, OAEP)
        payload = Fernet(key).encrypt(archive.getvalue())
    target = out_dir / f"jindu-{stamp}.backup"
    with open(target, "wb") as fh:
        fh.write(MAGIC)
        fh.write(len(sealed_key).to_bytes(4, "big"))
        fh.write(sealed_key)
        fh.write(payload)
    audit.record(
        None,
        AuditAction.EXPORT,
        model_label=BACKUP_MODEL,
        object_repr=target.name,
        changes={"file": target.name, "bytes": target.stat().st_size},
    )
    return target


def open_backup(path: Path, *, private_key_path=None) -> tarfile.TarFile:
    private_key_path = private_key_path or getattr(settings, "BACKUP_PRIVATE_KEY", "")
    if not private_key_path:
        raise ValueError("BACKUP_PRIVATE_KEY is not set: restoring needs the private key")
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError(f"{path} is not a Jindu backup")
    offset = len(MAGIC)
    size = int.from_bytes(data[offset : offset + 4], "big")
    sealed_key = data[offset + 4 : offset + 4 + size]
    key = _private_key(private_key_path).decrypt(sealed_key, OAEP)
    archive = Fernet(key).decrypt(data[offset + 4 + size :])
    return tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz")


def restore_backup(
    path: Path, *, private_key_path=None, database_url: str = "", media_root=None
) -> str:
    """Restore into ``database_url`` (PostgreSQL: an existing, empty database; SQLite: a
    file path) or, by default, into the configured database; media into ``media_root``.
    Returns where the database went."""
    import dj_database_url

    target = dj_database_url.parse(database_url) if database_url else connection.settings_dict
    with (
        open_backup(path, private_key_path=private_key_path) as tar,
        tempfile.TemporaryDirectory() as work,
    ):
        tar.extractall(work, filter="data")
        work = Path(work)
        if (work / "database.dump").exists():
            args = ["-h", target.get("HOST") or "127.0.0.1", "-p", str(target.get("PORT") or 5432)]
            if target.get("USER"):
                args += ["-U", target["USER"]]
            env = dict(os.environ)
            if target.get("PASSWORD"):
                env["PGPASSWORD"] = target["PASSWORD"]
            subprocess.run(
                [
                    "pg_restore",
                    *args,
                    "--no-owner",
                    "--clean",
                    "--if-exists",
                    "-d",
                    target["NAME"],
                    str(work / "database.dump"),
                ],
                check=True,
                env=env,
            )
        else:
            shutil.copyfile(work / "db.sqlite3", target["NAME"])
        media = work / "media"
        if media.is_dir():
            destination = Path(media_root or settings.MEDIA_ROOT)
            shutil.copytree(media, destination, dirs_exist_ok=True)
    return str(target["NAME"])


def last_backup_at() -> datetime.datetime | None:
    from jindu.audit.models import AuditAction, AuditEvent

    return (
        AuditEvent.objects.filter(action=AuditAction.EXPORT, model=BACKUP_MODEL)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
