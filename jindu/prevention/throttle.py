"""The public survey's repeat limit in one statement (``core.counters``): an upsert that
counts an answer for a connection's salted hash and returns the count within the window."""

from __future__ import annotations

from django.db import connection

from jindu.core import counters

from .models import AnswerThrottle


def hit(key: str, window_seconds: int) -> int:
    """Count one answer for ``key``; the number counted in the current window (1 after a
    window has passed)."""
    return counters.hit(AnswerThrottle, key, window_seconds)[0]


def relaxed_commit() -> None:
    """Inside the answer's transaction on PostgreSQL: commit without waiting for the WAL
    flush (``synchronous_commit = off`` for this transaction only). The answer is still
    atomic and durable within a fraction of a second; only a server crash in that moment
    could lose it. Nothing but the anonymous answer and its count is in the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
