"""The cockpit's queries, parsed once (``jindu.core.filters``): the page and the API read the
same FilterSet for the unit, the period, the goal, the months of a series, the side of a
number and the warnings' month, and drf-spectacular documents the API's parameters from it.

The unit is an id here; the view opens it through the scoping layer, so a unit outside the
user's jurisdiction is "not found" (404), as everywhere else.
"""

from __future__ import annotations

import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from jindu.core.filters import CodeFilter, IdFilter, SelectorFilterSet
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit

from . import rules
from .models import WarningRecord
from .policy import GOALS, indicator_policy

SIDES = ("numerator", "denominator", "gap")


class _MonthField(forms.CharField):
    default_error_messages = {"invalid": _("Give the month as YYYY-MM, e.g. 2026-03.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            rules.month_bounds(value)
        except (ValueError, TypeError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class MonthFilter(df.CharFilter):
    """A calendar month ``YYYY-MM``."""

    field_class = _MonthField


def _targets(request=None):
    return [(t.code, t.name) for t in indicator_policy().targets]


class _Query(SelectorFilterSet):
    """A query of figures computed for a unit (not a list of rows): ``params()`` gives the
    valid values; ``errors`` names each invalid parameter (the API answers 400 with them)."""

    org_unit = IdFilter(label=_("Unit"), method="_ignored")

    class Meta:
        # The unit is the subject of the query; no row of it is ever filtered here.
        model = OrgUnit
        fields: list[str] = []

    def params(self) -> dict:
        return self.values()

    def _ignored(self, queryset, name, value):
        return queryset


class _Period(_Query):
    date_from = df.DateFilter(label=_("From"), widget=DateInput(), method="_ignored")
    date_to = df.DateFilter(label=_("To"), widget=DateInput(), method="_ignored")

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        if valid and data.get("date_from") and data.get("date_to"):
            if data["date_from"] > data["date_to"]:
                self.form.add_error("date_from", _("The period starts after it ends."))
                return False
        return valid


class KpiFilter(_Period):
    """``GET /api/v1/kpis/``: the unit, the period and one of the Plan's goals."""

    goal = df.ChoiceFilter(label=_("Goal"), choices=[(g, g) for g in GOALS], method="_ignored")


class ItemsFilter(_Period):
    """The list behind a number (page and API): the unit, the period and which side."""

    which = df.ChoiceFilter(label=_("Which"), choices=[(s, s) for s in SIDES], method="_ignored")


class _MonthsField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 60)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class MonthsFilter(df.NumberFilter):
    """How many months a series covers (1 to 60)."""

    field_class = _MonthsField


class ItemsPageFilter(ItemsFilter):
    """The page of the list behind a number names its target in the query (the API in its
    path)."""

    code = CodeFilter(label=_("Target"), choices=_targets, method="_ignored")


class SeriesFilter(_Query):
    """A target by month: the unit and how many months (1 to 60)."""

    months = MonthsFilter(label=_("Months"), method="_ignored")


class CockpitFilter(_Query):
    """The cockpit page: the unit, the month and the target of the trend chart."""

    month = MonthFilter(label=_("Month"), method="_ignored")
    code = CodeFilter(label=_("Target"), choices=_targets, method="_ignored")


class WarningFilter(SelectorFilterSet):
    """Warning levels (page and API): the month and the unit's subtree."""

    period = MonthFilter(label=_("Month"))
    month = MonthFilter(label=_("Month"), field_name="period")
    org_unit = IdFilter(label=_("Unit"), method="_in_subtree")

    # The unit chosen (opened through the scoping layer), for the page's history.
    unit = None

    class Meta:
        model = WarningRecord
        fields: list[str] = []

    def _in_subtree(self, queryset, name, value):
        from jindu.core.views import get_scoped_or_404

        unit = get_scoped_or_404(OrgUnit, self.user, int(value))
        self.unit = unit
        return queryset.filter(org_unit__path__startswith=unit.path)
