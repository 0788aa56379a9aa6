"""The public survey's repeat limit in one statement: an upsert that counts an answer for a
connection's salted hash and returns the count within the window (PostgreSQL and SQLite both
have INSERT … ON CONFLICT … RETURNING). The shared cache did the same in five to seven
queries per answer (get, count, select, insert, commit); this is one."""

from __future__ import annotations

import datetime
import secrets

from django.db import connection
from django.utils import timezone

from .models import AnswerThrottle

# One answer in this many also deletes the expired rows (no scheduled job needed).
PURGE_ONE_IN = 200


def hit(key: str, window_seconds: int) -> int:
    """Count one answer for ``key``; the number counted in the current window (1 after a
    window has passed)."""
    now = timezone.now()
    expires = now + datetime.timedelta(seconds=window_seconds)
    q = connection.ops.quote_name
    table, k, n, exp = q(AnswerThrottle._meta.db_table), q("key"), q("count"), q("expires")
    sql = (
        f"INSERT INTO {table} ({k}, {n}, {exp}) VALUES (%s, 1, %s) "
        f"ON CONFLICT ({k}) DO UPDATE SET "
        f"{n} = CASE WHEN {table}.{exp} < %s THEN 1 ELSE {table}.{n} + 1 END, "
        f"{exp} = CASE WHEN {table}.{exp} < %s THEN excluded.{exp} ELSE {table}.{exp} END "
        f"RETURNING {n}"
    )
    params = [key, expires, now, now]
    if connection.vendor == "sqlite":
        # SQLite compares the stored text of a datetime: give it the same form.
        params = [
            key,
            connection.ops.adapt_datetimefield_value(expires),
            connection.ops.adapt_datetimefield_value(now),
            connection.ops.adapt_datetimefield_value(now),
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (count,) = cursor.fetchone()
    if purge_now():
        AnswerThrottle.objects.filter(expires__lt=now).delete()
    return count


def purge_now() -> bool:
    """Whether this answer also deletes the expired rows: one in ``PURGE_ONE_IN``."""
    return secrets.randbelow(PURGE_ONE_IN) == 0


def relaxed_commit() -> None:
    """Inside the answer's transaction on PostgreSQL: commit without waiting for the WAL
    flush (``synchronous_commit = off`` for this transaction only). The answer is still
    atomic and durable within a fraction of a second; only a server crash in that moment
    could lose it. Nothing but the anonymous answer and its count is in the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
