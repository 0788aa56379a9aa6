"""The API's query parsing: a list or figures endpoint parses its query string with its
FilterSet (``FilterSetBackend``, ``valid_query``), the page's too, not by hand; and the bounds
of the dates and times a body may name (the serializers' fields: jindu/api/apps.py)."""

import datetime

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError

from jindu.core.filters import EARLIEST, EARLIEST_MOMENT, LATEST  # the FilterSets' bounds too


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
