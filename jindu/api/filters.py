"""Small query-string filters shared by the list endpoints (plain, no extra dependency)."""

import datetime

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [_("Must be a whole number.")]}) from None
    if not -(2**63) <= value < 2**63:  # beyond any id; SQLite would overflow
        raise ValidationError({name: [_("Must be a whole number.")]})
    return value


def choice_param(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw not in choices:
        raise ValidationError({name: [_("Unknown value “%(value)s”.") % {"value": raw}]})
    return raw


def date_param(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None


def bool_param(request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    return raw.lower() in ("1", "true", "yes")
