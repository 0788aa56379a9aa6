"""What every action of the control area shares: its audit rows (secrets left out of the
snapshot), the acting user's right to change a person's records, and the date checks."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import CHANGE, VIEW

from ..models import Person


def _snapshot(obj) -> dict:
    return audit.snapshot(obj, exclude=("password", *getattr(obj, "secret_fields", ())))


def audit_create(actor, obj) -> None:
    audit.record(actor, AuditAction.CREATE, obj, changes=audit.diff({}, _snapshot(obj)))


def audit_update(actor, obj, before: dict) -> None:
    changes = audit.diff(before, _snapshot(obj))
    if changes:
        audit.record(actor, AuditAction.UPDATE, obj, changes=changes)


def snapshot(obj) -> dict:
    return _snapshot(obj)


def today() -> datetime.date:
    return timezone.localdate()


def require_person_change(actor, person: Person) -> None:
    """The actor may change records about this person (township or police station in whose
    area the person lives, or the office). ``None`` is the system."""
    if actor is None:
        return
    if not Person.objects.restrict(actor, CHANGE).filter(pk=person.pk).exists():
        raise NotAllowed()


def may_view_person(actor, person_id: int) -> bool:
    return actor is None or Person.objects.restrict(actor, VIEW).filter(pk=person_id).exists()


def not_in_future(value: datetime.date | None, field: str) -> None:
    if value is not None and value > today():
        raise Refused(_("The date cannot be in the future."), field=field)


def not_before(value: datetime.date | None, earliest: datetime.date | None, field: str, message):
    if value is not None and earliest is not None and value < earliest:
        raise Refused(message, field=field)
