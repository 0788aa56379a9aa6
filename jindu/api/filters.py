"""Small query-string filters shared by the list endpoints (plain, no extra dependency)."""

import datetime

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError

from jindu.core.filters import EARLIEST, EARLIEST_MOMENT, LATEST  # the FilterSets' bounds too


def int_param(
    request, name: str, *, min_value: int | None = None, max_value: int | None = None
) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [_("Must be a whole number.")]}) from None
    if not -(2**63) <= value < 2**63:  # beyond any id; SQLite would overflow
        raise ValidationError({name: [_("Must be a whole number.")]})
    if (min_value is not None and value < min_value) or (
        max_value is not None and value > max_value
    ):
        raise ValidationError(
            {
                name: [
                    _("Must be between %(min)s and %(max)s.") % {"min": min_value, "max": max_value}
                ]
            }
        )
    return value


def year_param(request, name: str = "year") -> int | None:
    return int_param(request, name, min_value=EARLIEST.year, max_value=LATEST.year)


def check_date_range(value: datetime.date, name: str) -> datetime.date:
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(
            {
                name: [
                    _("Enter a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
                ]
            }
        )
    return value


def check_moment_range(value: datetime.datetime, name: str) -> datetime.datetime:
    from django.utils import timezone

    day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not EARLIEST_MOMENT <= day <= LATEST:
        raise ValidationError(
            {
                name: [
                    _("Enter a time between %(first)s and %(last)s.")
                    % {"first": EARLIEST_MOMENT.isoformat(), "last": LATEST.isoformat()}
                ]
            }
        )
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
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None
    return check_date_range(value, name)


def bool_param(request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    return raw.lower() in ("1", "true", "yes")


class FilterSetBackend(DjangoFilterBackend):
    """Apply a view's ``filterset_class`` (a ``jindu.core.filters.SelectorFilterSet``): the
    same parse as the page's; an invalid parameter answers 400 naming it. drf-spectacular
    documents the parameters from the FilterSet (its django-filter extension)."""


def valid_query(filterset_class, request):
    """An endpoint's query parsed and valid (figures computed from it, not a list): the
    view's ``filterset_class`` parses it, as the backend parses a list's, and documents it
    (``extend_schema(filters=True)``); a bad parameter answers 400 naming it."""
    query = filterset_class(request.query_params, request=request)
    if not query.is_valid():
        raise translate_validation(query.errors)
    return query
