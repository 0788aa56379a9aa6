"""The obligations list, parsed once: the board page and the API read the same FilterSet and
the same selector (jindu.core.filters)."""

import datetime

import django_filters as df
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import IdFilter, SelectorFilterSet, YearFilter, list_filterset

from . import selectors
from .models import (
    Obligation,
    ObligationKind,
    ObligationStatus,
    ReportKind,
    ReportStatus,
    ResponsibilityLetter,
    WorkReport,
)

DATE_BOUNDS = [
    MinValueValidator(datetime.date(1900, 1, 1)),
    MaxValueValidator(datetime.date(2100, 12, 31)),
]


class ObligationFilter(SelectorFilterSet):
    q = df.CharFilter(
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit or period")}),
    )
    kind = df.ChoiceFilter(
        label=_("Kind"), choices=ObligationKind.choices, empty_label=_("All kinds")
    )
    status = df.ChoiceFilter(
        label=_("Status"), choices=ObligationStatus.choices, empty_label=_("All")
    )
    org_unit = IdFilter(label=_("Unit (id)"))
    # Dates far outside the years the records can have mean nothing (9999-12-31): refused.
    due_before = df.DateFilter(label=_("Due before"), validators=DATE_BOUNDS)
    due_after = df.DateFilter(label=_("Due after"), validators=DATE_BOUNDS)

    api_only = ("org_unit", "due_before", "due_after")

    class Meta:
        model = Obligation
        fields: list[str] = []

    def select(self, queryset, **values):
        # The board lists overdue first; the API keeps the model's order.
        return selectors.obligations(self.user, base=queryset, overdue_first=self.page, **values)


class ReportFilter(SelectorFilterSet):
    """Monthly reports, summaries and action plans: the reports page and the API."""

    status = df.ChoiceFilter(label=_("Status"), choices=ReportStatus.choices, empty_label=_("All"))
    kind = df.ChoiceFilter(label=_("Kind"), choices=ReportKind.choices, empty_label=_("All kinds"))
    period = df.CharFilter(label=_("Period"), max_length=40)
    org_unit = IdFilter(label=_("Unit (id)"))

    api_only = ("kind", "period", "org_unit")

    class Meta:
        model = WorkReport
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.reports(self.user, base=queryset, **values)


LetterFilter = list_filterset(
    ResponsibilityLetter, year=YearFilter(field_name="year", label=_("Year"))
)
