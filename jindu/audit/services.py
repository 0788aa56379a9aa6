"""Writing the audit trail. Services call these inside their own transaction."""

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from . import context
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


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ("password",)) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys by id), and its many-to-many ids."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude:
            continue
        data[f.name] = _plain(getattr(obj, f.attname))
    if obj.pk is not None:
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
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "system")[:150],
        ip=ctx.ip,
        path=ctx.path,
        action=action,
        model=model_label or (obj._meta.label if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=changes or {},
    )


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
