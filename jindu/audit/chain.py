"""The audit trail as a hash chain.

Each row stores ``row_hash = sha256(prev_hash || canonical content)`` where ``prev_hash`` is
the previous row's ``row_hash`` (by id). Anyone who can edit the table can also recompute one
row's hash, but not without rewriting every later row; PostgreSQL refuses UPDATE and DELETE
on the table outright (migration 0003), and ``manage.py verify_audit`` finds the first
broken link.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
# One lock for every writer of the trail on PostgreSQL, so each row is chained to the row
# committed before it. SQLite serialises writers by itself.
LOCK_ID = 0x4A494E4455  # "JINDU"

CHAINED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "ip",
    "path",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
)


def content(event) -> str:
    values = {}
    for name in CHAINED_FIELDS:
        value = getattr(event, name)
        if name == "at":
            value = value.isoformat(timespec="microseconds") if value else ""
        values[name] = value
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)


def row_hash(prev_hash: str, event) -> str:
    return hashlib.sha256((prev_hash + "\n" + content(event)).encode("utf-8")).hexdigest()


def lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def last_hash() -> str:
    from .models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
    return last or GENESIS


@dataclass(frozen=True)
class Break:
    event_id: int
    problem: str


def verify(batch: int = 2000) -> tuple[int, Break | None]:
    """Walk the trail in id order; returns (rows checked, the first broken link or None)."""
    from .models import AuditEvent

    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return checked, None
        for event in rows:
            if event.prev_hash != prev:
                return checked, Break(event.id, "previous hash does not match (a row was removed)")
            if event.row_hash != row_hash(prev, event):
                return checked, Break(event.id, "content does not match its hash (row edited)")
            prev = event.row_hash
            last_id = event.id
            checked += 1
