"""The audit trail as a clerk reads it: field names and codes in words, times in local time.

The stored events stay as written (field names, codes, ids, ISO times): this module only
translates them for the page, so a renamed label never rewrites history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditAction, AuditEvent

EMPTY = "∅"


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_types() -> list[tuple[str, str]]:
    """Every kind of record the trail may name, in words (for the filter)."""
    seen = []
    for model in apps.get_models():
        if not model.__module__.startswith("jindu.") or model is AuditEvent:
            continue
        seen.append((model._meta.label, str(model._meta.verbose_name)))
    return sorted(seen, key=lambda pair: pair[1])


def _local_time(text: str) -> str | None:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"


def _value(field: models.Field | None, value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None and field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and "T" in value:
        local = _local_time(value)
        if local is not None:
            return local
    if field is not None and field.is_relation and not isinstance(value, list):
        return f"#{value}"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


EXPORT_LABELS = {
    "rows": gettext_lazy("Rows"),
    "query": gettext_lazy("Filters"),
    "title": gettext_lazy("What"),
    "period": gettext_lazy("Period"),
    "columns": gettext_lazy("Columns"),
}


def changes_of(event: AuditEvent) -> list[Change]:
    """The event's changes, each with the field's label and the values in words."""
    model = _model(event.model)
    out = []
    for name, pair in (event.changes or {}).items():
        if event.action in (AuditAction.EXPORT, AuditAction.IMPORT) or not isinstance(pair, list):
            label = str(EXPORT_LABELS.get(name, name))
            out.append(Change(name, label, "", _value(None, pair)))
            continue
        before, after = ([*pair, None, None])[:2]
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except Exception:
                field = None
        label = str(getattr(field, "verbose_name", name)) if field is not None else name
        out.append(Change(name, label, _value(field, before), _value(field, after)))
    return out


def record_name(event: AuditEvent) -> str:
    model = _model(event.model)
    if model is not None:
        return str(model._meta.verbose_name)
    if event.action == AuditAction.EXPORT:
        return _("Export")
    return event.model


def summary(event: AuditEvent) -> str:
    """One line for exports and imports: what, how many rows."""
    changes = event.changes or {}
    if event.action == AuditAction.EXPORT:
        return _("%(what)s: %(rows)s rows") % {
            "what": changes.get("title") or event.object_repr or record_name(event),
            "rows": changes.get("rows", "?"),
        }
    return ""
