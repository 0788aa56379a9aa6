"""The accountability lists, parsed once (``jindu.core.filters``): the measures page (its
proposals and decided measures) and the API read the same FilterSet and the same selector."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import DayFilter, IdFilter, SelectorFilterSet, YearFilter
from jindu.orgs.filters import QueryFilterSet

from . import selectors
from .models import AccountabilityAction, ActionKind, ActionStatus, AssistanceAssignment, Inspection


class ActionFilter(SelectorFilterSet):
    status = df.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices, empty_label=_("All"))
    kind = df.ChoiceFilter(
        label=_("Measure"), choices=ActionKind.choices, empty_label=_("All measures")
    )
    designation = IdFilter(label=_("Listing (id)"))
    org_unit = IdFilter(label=_("Unit (id)"))

    api_only = ("designation", "org_unit")

    class Meta:
        model = AccountabilityAction
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.actions(self.user, base=queryset, **values)


class InspectionFilter(SelectorFilterSet):
    designation = IdFilter(label=_("Listing (id)"))
    year = YearFilter(label=_("Year"))

    class Meta:
        model = Inspection
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.inspections(self.user, base=queryset, **values)


class AssignmentFilter(SelectorFilterSet):
    designation = IdFilter(label=_("Listing (id)"))
    member_unit = IdFilter(label=_("Member unit (id)"))

    class Meta:
        model = AssistanceAssignment
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.assignments(self.user, base=queryset, **values)


class EligibilityQuery(QueryFilterSet):
    """``GET /api/v1/eligibility/``: a person (position) or a unit, on a date (default:
    today)."""

    position = IdFilter(label=_("Position (id)"))
    org_unit = IdFilter(label=_("Unit (id)"))
    date = DayFilter(label=_("On"))

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        if valid and (data.get("position") is None) == (data.get("org_unit") is None):
            self.form.add_error("position", _("Give either position or org_unit."))
            return False
        return valid
