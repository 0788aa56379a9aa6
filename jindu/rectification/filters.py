"""The listings' lists, parsed once (``jindu.core.filters``): the board, the applications and
evaluations pages and the API read the same FilterSet and the same selector, so the same query
gives the same rows."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import CodeFilter, IdFilter, SelectorFilterSet, YearFilter
from jindu.orgs.models import UnitLevel
from jindu.policy.registry import current_policy

from . import selectors
from .models import (
    Application,
    ApplicationStatus,
    Assessment,
    Decision,
    Designation,
    Evaluation,
)

# The board shows the listings under rectification unless asked otherwise; the API lists all.
ALL = "all"


def _levels(request=None):
    return [(lv.code, lv.name) for lv in current_policy().levels]


class DesignationFilter(SelectorFilterSet):
    q = df.CharFilter(
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name")}),
    )
    status = df.ChoiceFilter(
        label=_("Status"),
        choices=[
            ("active", _("Under rectification")),
            ("lifted", _("Lifted")),
            (ALL, _("All")),
        ],
        empty_label=None,
    )
    level = CodeFilter(label=_("Listing level"), choices=_levels, empty_label=_("All levels"))
    unit_level = df.ChoiceFilter(
        label=_("Unit"),
        choices=[
            (UnitLevel.TOWNSHIP.value, _("Townships and park")),
            (UnitLevel.VILLAGE.value, _("Villages and communities")),
        ],
        empty_label=_("Townships and villages"),
    )
    org_unit = IdFilter(label=_("Unit (id)"))

    api_only = ("org_unit",)

    class Meta:
        model = Designation
        fields: list[str] = []

    def select(self, queryset, **values):
        status = values.pop("status", "active" if self.page else ALL)
        return selectors.designations(
            self.user,
            base=queryset,
            status="" if status == ALL else status,
            ordered=self.page,
            **values,
        )


class ApplicationFilter(SelectorFilterSet):
    status = df.ChoiceFilter(
        label=_("Status"), choices=ApplicationStatus.choices, empty_label=_("All")
    )
    year = YearFilter(label=_("Year"))
    org_unit = IdFilter(label=_("Unit (id)"))

    api_only = ("year", "org_unit")

    class Meta:
        model = Application
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.applications(self.user, base=queryset, **values)


class EvaluationFilter(SelectorFilterSet):
    year = YearFilter(label=_("Year"))
    org_unit = IdFilter(label=_("Unit (id)"))

    api_only = ("org_unit",)

    class Meta:
        model = Evaluation
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.evaluations(self.user, base=queryset, **values)


class DecisionFilter(SelectorFilterSet):
    designation = IdFilter(label=_("Listing (id)"))

    class Meta:
        model = Decision
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.decisions(self.user, base=queryset, **values)


class AssessmentFilter(SelectorFilterSet):
    designation = IdFilter(label=_("Listing (id)"))

    class Meta:
        model = Assessment
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.assessments(self.user, base=queryset, **values)
