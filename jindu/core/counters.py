"""Fixed-window counters in one statement: an upsert that counts one event for a key and
returns the count within the window and when the window ends (PostgreSQL and SQLite both
have INSERT … ON CONFLICT … RETURNING). Used by the API's rate limits (``core.RateCounter``)
and the public survey's repeat limit (``prevention.AnswerThrottle``): the shared cache did
the same in five to seven statements and two commits."""

from __future__ import annotations

import datetime
import secrets

from django.db import connection
from django.utils import timezone

# One event in this many also deletes the expired rows (no scheduled job needed).
PURGE_ONE_IN = 200


def hit(model, key: str, window_seconds: int) -> tuple[int, datetime.datetime]:
    """Count one event for ``key`` in ``model``'s table (columns ``key``, ``count``,
    ``expires``): the number counted in the current window (1 after a window has passed)
    and the window's end."""
    now = timezone.now()
    expires = now + datetime.timedelta(seconds=window_seconds)
    q = connection.ops.quote_name
    table, k, n, exp = q(model._meta.db_table), q("key"), q("count"), q("expires")
    sql = (
        f"INSERT INTO {table} ({k}, {n}, {exp}) VALUES (%s, 1, %s) "
        f"ON CONFLICT ({k}) DO UPDATE SET "
        f"{n} = CASE WHEN {table}.{exp} < %s THEN 1 ELSE {table}.{n} + 1 END, "
        f"{exp} = CASE WHEN {table}.{exp} < %s THEN excluded.{exp} ELSE {table}.{exp} END "
        f"RETURNING {n}, {exp}"
    )
    params = [key, expires, now, now]
    if connection.vendor == "sqlite":
        # SQLite compares the stored text of a datetime: give it the same form.
        params = [key, *(connection.ops.adapt_datetimefield_value(v) for v in (expires, now, now))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, ends = cursor.fetchone()
    if not isinstance(ends, datetime.datetime):  # SQLite answers text
        ends = model._meta.get_field("expires").to_python(ends)
    if timezone.is_naive(ends):
        ends = timezone.make_aware(ends, datetime.UTC)
    if purge_now():
        model.objects.filter(expires__lt=now).delete()
    return count, ends


def purge_now() -> bool:
    """Whether this event also deletes the expired rows: one in ``PURGE_ONE_IN``."""
    return secrets.randbelow(PURGE_ONE_IN) == 0
