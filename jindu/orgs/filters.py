"""The organisation's lists, parsed once (``jindu.core.filters``): the unit lists (the
geographic tree, member units, stations) and the positions, on the page and over the API."""

from __future__ import annotations

import datetime

import django_filters as df
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from jindu.core.filters import DayFilter, IdFilter, SelectorFilterSet
from jindu.core.widgets import use_picker

from . import selectors
from .forms import DateInput
from .models import GEOGRAPHIC_LEVELS, OrgUnit, Position, PositionRole, UnitKind, UnitLevel


class UnitFilter(SelectorFilterSet):
    """The geographic tree's units; the member units' and stations' lists offer the search and
    the inactive switch only (``section``)."""

    section = "geographic"

    q = df.CharFilter(
        label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("Name or code")})
    )
    level = df.ChoiceFilter(
        label=_("Level"),
        choices=[(c.value, c.label) for c in GEOGRAPHIC_LEVELS],
        empty_label=_("All levels"),
    )
    kind = df.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices, empty_label=_("All kinds"))
    inactive = df.BooleanFilter(label=_("Include inactive"), widget=forms.CheckboxInput)
    # A unit's children: the list's links name the parent (kept in the form, not shown).
    parent = IdFilter(label=_("Parent unit (id)"), widget=forms.HiddenInput)

    class Meta:
        model = OrgUnit
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.section != "geographic":
            for name in ("level", "kind", "parent"):
                self.filters.pop(name, None)

    def select(self, queryset, *, inactive=None, **values):
        # The page lists the active units unless asked; the API every unit, as it always did.
        include = bool(inactive) or not self.page
        return selectors.unit_list(
            self.user,
            base=queryset,
            section=self.section,
            include_inactive=include,
            counted=self.page,
            **values,
        )


class MemberUnitFilter(UnitFilter):
    section = "member_units"


class StationFilter(UnitFilter):
    section = "stations"


class PositionFilter(SelectorFilterSet):
    q = df.CharFilter(
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Name, unit or post")}),
    )
    role = df.ChoiceFilter(
        label=_("Role"), choices=PositionRole.choices, empty_label=_("All roles")
    )
    level = df.ChoiceFilter(
        label=_("Level"), choices=UnitLevel.choices, empty_label=_("All levels")
    )
    history = df.BooleanFilter(label=_("Include past tenures"), widget=forms.CheckboxInput)
    org_unit = IdFilter(label=_("Unit (id)"))
    current = df.BooleanFilter(label=_("Only tenures current on the date"))
    date = df.DateFilter(label=_("Date (defaults to today)"))

    api_only = ("org_unit", "current", "date")

    class Meta:
        model = Position
        fields: list[str] = []

    def select(self, queryset, *, history=False, current=False, date=None, **values):
        # The page shows current tenures unless asked for the past ones; the API every tenure
        # unless asked for the current ones (on a date).
        current_only = current or (self.page and not history)
        return selectors.position_list(
            self.user, base=queryset, current_only=current_only, on=date, **values
        )


@extend_schema_field(OpenApiTypes.INT)
class SubtreeFilter(IdFilter):
    """A unit by id: the rows whose unit (``field_name``) is in its subtree. The rows are
    scoped already, so a unit outside the user's area just finds none."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        path = OrgUnit.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        return qs.filter(**{f"{self.field_name}__path__startswith": path})


def offer_units(filterset, units, *, required_choice: bool = False, picker: str = "") -> None:
    """On a page, make the FilterSet's ``org_unit`` (an id over the API) a choice of ``units``:
    the units the page offers, validated against the same queryset. ``required_choice``: no
    empty entry (the page always shows some unit's figures); ``picker``: a picker of that
    source, searched on demand, where the units are too many to list."""
    extra = {"empty_label": None} if required_choice else {}
    choice = df.ModelChoiceFilter(field_name="org_unit", label=_("Unit"), queryset=units, **extra)
    choice.model, choice.parent = filterset.queryset.model, filterset
    filterset.filters["org_unit"] = choice
    if picker:
        use_picker(choice.field, picker)


class QueryFilterSet(SelectorFilterSet):
    """The query of an endpoint that answers figures computed from it, not a list (a
    statistics table, a target's indicators): parsed once and documented from the FilterSet
    (``jindu.api.filters.valid_query``). No row is ever filtered by it; the unit is its
    usual subject, hence the model."""

    class Meta:
        model = OrgUnit
        fields: list[str] = []

    def select(self, queryset, **values):
        # On a detail action (a survey's results) the backend also filters the object's
        # lookup: the query names no rows, so it leaves them as they are.
        return queryset


class UnitPeriodQuery(QueryFilterSet):
    """A unit (by id) and a period; a period that starts after it ends names ``date_from``."""

    org_unit = IdFilter(label=_("Unit (id)"))
    date_from = DayFilter(label=_("From"), widget=DateInput())
    date_to = DayFilter(label=_("To"), widget=DateInput())

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            date_from, date_to = self.dates()
            if date_from > date_to:
                self.form.add_error("date_from", _("The period starts after it ends."))
                return False
        return valid

    def dates(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for: until today and from 1 January of its last year unless
        given."""
        data = self.values()
        date_to = data.get("date_to") or timezone.localdate()
        return data.get("date_from") or date_to.replace(month=1, day=1), date_to
