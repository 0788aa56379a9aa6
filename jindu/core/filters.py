"""One read path per list: a django-filter ``FilterSet`` parses a list's query string once,
for the page, its Excel export and the API alike (drf-spectacular documents the API's
parameters from it), and hands the valid values to the list's selector.

A page shows an invalid value next to its field and ignores it; the API answers 400 naming
the parameter (``jindu.api.filters.FilterSetBackend``). Filters meant only for the page's
form for the API are named in ``api_only``: they parse the same way, the page's form just
does not offer them (e.g. an id).
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# The largest id a database can hold (a signed 64-bit integer): a larger number is refused
# as bad input instead of overflowing SQLite's integers (a 500).
MAX_ID = 2**63 - 1

# Dates a query or a body may name: wide enough for any record, narrow enough that adding a
# period to them never overflows Python's date (year 9999).
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# A moment (date-time) a query, a body or a form may name: from 1901, because before it
# Asia/Shanghai's local mean time (+08:05:43) is not an offset RFC 3339 can write.
EARLIEST_MOMENT = datetime.date(1901, 1, 1)


class _IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A record's id (a whole number from 1 to the largest a database holds)."""

    field_class = _IdField


class _YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 1900, "max": 2100}))
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A calendar year (1900–2100: wide enough for any record)."""

    field_class = _YearField


class _DayField(forms.DateField):
    default_validators = [MinValueValidator(EARLIEST), MaxValueValidator(LATEST)]


@extend_schema_field(OpenApiTypes.DATE)
class DayFilter(django_filters.DateFilter):
    """A date from 1900 to 2100 (``EARLIEST``–``LATEST``), as the API's bodies take them."""

    field_class = _DayField


@extend_schema_field(OpenApiTypes.INT)
class RecordFilter(django_filters.ModelChoiceFilter):
    """A record the user may see, by id (the queryset is a callable of the request)."""


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.ChoiceFilter):
    """A code from a rule book's list (the choices are a callable)."""


class _OwnFields(dict):
    """A FilterSet's form fields, which are its own filters' fields: django-filter makes them
    afresh for each FilterSet (the filters are deep-copied per instance), so the deep copy
    ``Form.__init__`` makes of them again per form is a second copy of something nobody
    shares — and copying a ChoiceField deep-copies its lazily translated choices, a tenth of
    an API list's time (bench/request_profile.py). The form gets the same field objects."""

    def __deepcopy__(self, memo):
        return dict(self)


class SelectorFilterSet(django_filters.FilterSet):
    """Validate the query, then call ``select(queryset, **values)`` with the given values."""

    api_only: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, page=False):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.page = page
        if page:
            for name in self.api_only:
                self.filters.pop(name, None)

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _OwnFields(form_class.base_fields)
        return form_class

    def values(self) -> dict:
        """The filters given and valid (an invalid one is left out; the form shows it)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {
            k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [], (), False)
        }

    @property
    def qs(self):
        """The selector's rows, also for an unbound FilterSet (a page opened with no query):
        the selector scopes them and applies the list's defaults."""
        if not hasattr(self, "_qs"):
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs

    def filter_queryset(self, queryset):
        return self.select(queryset, **self.values())

    def select(self, queryset, **values):
        for name, value in values.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset


def list_filterset(model, **filters) -> type[SelectorFilterSet]:
    """A FilterSet of plain filters for one of the API's lists (``Model`` + ``Filter``)."""
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}Filter", (SelectorFilterSet,), {"Meta": meta, **filters})
