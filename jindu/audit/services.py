"""Writing the audit trail. Services call these inside their own transaction."""

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import chain, context
from .models import AuditAction, AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


# Derived from other fields on save (pinyin search keys): recording them adds only noise.
DERIVED_FIELDS = ("search_key",)


def snapshot(
    obj: models.Model, exclude: tuple[str, ...] = ("password",), *, many_to_many: bool = True
) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys by id), and its many-to-many ids
    (unless ``many_to_many`` is false: a bulk action that knows them adds them itself)."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude or f.name in DERIVED_FIELDS:
            continue
        data[f.name] = _plain(getattr(obj, f.attname))
    if obj.pk is not None and many_to_many:
        for f in obj._meta.many_to_many:
            data[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict | None = None,
    model_label: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    ctx = context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "system")[:150],
        ip=ctx.ip,
        path=ctx.path,
        action=action,
        model=model_label or (obj._meta.label if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=_plain_json(changes or {}),
    )
    pending = _batch.get()
    if pending is not None:
        # Inside ``batched()``: chained in memory to the batch's last row, written at its end.
        event.at = timezone.now()
        event.prev_hash = pending[-1].row_hash if pending else pending.first_prev
        event.row_hash = chain.row_hash(event.prev_hash, event)
        pending.append(event)
        return event
    with transaction.atomic():
        chain.lock()
        # The time is set here (not by auto_now_add) because the hash covers it.
        event.at = timezone.now()
        event.prev_hash = chain.last_hash()
        event.row_hash = chain.row_hash(event.prev_hash, event)
        event.save()
    return event


class _Pending(list):
    first_prev: str = chain.GENESIS


_batch: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "audit_batch", default=None
)

# Rows per INSERT when a batch is written (SQLite's variable limit and PostgreSQL's packet).
BATCH_WRITE_SIZE = 1000


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Every event recorded inside is chained in memory and written in bulk at the end.

    For loaders writing thousands of rows in one transaction (the demo county): the services
    still record every event, but the trail's last row is read once and the rows are inserted
    a thousand at a time, instead of one lock, one read and one insert per event. The chain is
    the same as if each event had been written at once (``verify_audit`` checks it): the
    trail's lock is held from the start of the batch to the end of the enclosing transaction.
    Must run inside a transaction (the lock and the writing belong to it). Events recorded
    inside are not visible to queries until the batch ends; nesting joins the outer batch.
    """
    if _batch.get() is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.batched() must run inside a transaction")
    chain.lock()
    pending = _Pending()
    pending.first_prev = chain.last_hash()
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    AuditEvent.objects.bulk_create(pending, batch_size=BATCH_WRITE_SIZE)


# A value longer than this is kept in the trail by its start, its length and its hash: the
# trail records that a long text changed, it is not a second copy of every document.
AUDIT_TEXT_LIMIT = 2000


def _bounded(value: Any) -> Any:
    import hashlib

    if isinstance(value, str) and len(value) > AUDIT_TEXT_LIMIT:
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{value[:200]}… [{len(value)} characters, sha256 {digest}]"
    if isinstance(value, dict):
        return {k: _bounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bounded(v) for v in value]
    return value


def _plain_json(value: Any) -> Any:
    """What the JSON column will give back, so the hash computed now matches the stored row."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    text = json.dumps(value, cls=DjangoJSONEncoder)
    if len(text) <= AUDIT_TEXT_LIMIT:
        return json.loads(text)  # no value inside can be longer than the whole
    return _bounded(json.loads(text))


def record_create(actor, obj: models.Model) -> AuditEvent:
    after = snapshot(obj)
    return record(actor, AuditAction.CREATE, obj, changes=diff({}, after))


def record_update(actor, obj: models.Model, before: dict[str, Any]) -> AuditEvent | None:
    changes = diff(before, snapshot(obj))
    if not changes:
        return None
    return record(actor, AuditAction.UPDATE, obj, changes=changes)


def record_delete(actor, obj: models.Model, before: dict[str, Any]) -> AuditEvent:
    return record(actor, AuditAction.DELETE, obj, changes=diff(before, {}))
