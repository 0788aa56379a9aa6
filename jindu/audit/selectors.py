"""Read side of the audit trail: the office's list of events (core's audit page)."""

from __future__ import annotations

import datetime

from django.db.models import Q

from .models import AuditEvent


def events(
    *,
    actor: str = "",
    unit=None,
    action: str = "",
    model: str = "",
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    base=None,
):
    """Audit events, newest first (the model's order), narrowed by the office's filters:
    ``actor`` a username or name (or part of it), ``unit`` the actor's unit subtree."""
    queryset = base if base is not None else AuditEvent.objects.all()
    if actor := actor.strip():
        queryset = queryset.filter(
            Q(actor_name__icontains=actor) | Q(actor__full_name__icontains=actor)
        )
    if unit is not None:
        queryset = queryset.filter(actor__unit__path__startswith=unit.path)
    if action:
        queryset = queryset.filter(action=action)
    if model:
        queryset = queryset.filter(model=model)
    if object_id := object_id.strip():
        queryset = queryset.filter(object_id=object_id)
    if date_from:
        queryset = queryset.filter(at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(at__date__lte=date_to)
    return queryset
