"""The enforcement area's lists, parsed once (``jindu.core.filters``): the case list page, its
Excel export and ``GET /api/v1/cases/`` read the same FilterSet and hand its values to
``selectors.case_list``; the API's other lists name their parameters here too, so that a bad
value answers 400 naming it and the schema lists every parameter."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import CodeFilter, IdFilter, SelectorFilterSet, YearFilter, list_filterset
from jindu.orgs.filters import QueryFilterSet, SubtreeFilter, UnitPeriodQuery, offer_units
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel

from . import selectors
from .models import (
    Case,
    CaseKind,
    Den,
    EradicationPatrol,
    Gang,
    OutboundTrafficker,
    OutboundWork,
    PlantingFinding,
    ProductionIncident,
    Seizure,
    Suspect,
    Tip,
    TipStatus,
    Venue,
    VenueInspection,
    VenueSanction,
)
from .policy import enforcement_policy


def _offences(request=None):
    policy = enforcement_policy()
    return [(code, policy.offence_name(code)) for code in policy.all_offence_codes()]


def _flags(request=None):
    return [(f.code, f.name) for f in enforcement_policy().case_flags]


class CaseFilter(SelectorFilterSet):
    q = df.CharFilter(label=_("Case number"), widget=forms.TextInput(attrs={"type": "search"}))
    kind = df.ChoiceFilter(label=_("Kind"), choices=CaseKind.choices, empty_label=_("All"))
    offence = CodeFilter(label=_("Offence"), choices=_offences, empty_label=_("All"))
    flag = CodeFilter(label=_("Flag"), choices=_flags, empty_label=_("All"))
    solved = df.ChoiceFilter(
        label=_("Solved"),
        choices=[("yes", _("Solved")), ("no", _("Not solved"))],
        empty_label=_("All"),
    )
    filed_from = df.DateFilter(label=_("Filed from"), widget=DateInput())
    filed_to = df.DateFilter(label=_("Filed until"), widget=DateInput())
    # The API names the township (or any unit in scope: its subtree) by id.
    org_unit = IdFilter(label=_("Unit (id)"))

    api_only = ("org_unit",)

    class Meta:
        model = Case
        fields: list[str] = []

    def select(self, queryset, *, org_unit=None, **values):
        if org_unit is not None:
            unit = selectors.in_scope(OrgUnit.objects.all(), self.user, "path").filter(pk=org_unit)
            values["unit"] = unit.first()
            if values["unit"] is None:
                return queryset.none()
        return selectors.case_list(self.user, base=queryset, **values)


def _grades(request=None):
    return [(code, code) for code in enforcement_policy().grade_codes()]


def _case():
    return IdFilter(field_name="case_id", label=_("Case (id)"))


def _venue():
    return IdFilter(field_name="venue_id", label=_("Venue (id)"))


def _subtree(field: str = "org_unit"):
    return SubtreeFilter(field_name=field, label=_("Unit (id)"))


SuspectFilter = list_filterset(Suspect, case=_case())
SeizureFilter = list_filterset(Seizure, case=_case())
GangFilter = list_filterset(Gang, case=_case())
DenFilter = list_filterset(Den, case=_case())
OutboundTraffickerFilter = list_filterset(OutboundTrafficker, org_unit=_subtree("household_unit"))
OutboundWorkFilter = list_filterset(
    OutboundWork, trafficker=IdFilter(field_name="trafficker_id", label=_("Trafficker (id)"))
)
PatrolFilter = list_filterset(EradicationPatrol, org_unit=_subtree())
PlantingFindingFilter = list_filterset(PlantingFinding, org_unit=_subtree())
ProductionIncidentFilter = list_filterset(ProductionIncident, org_unit=_subtree())
VenueFilter = list_filterset(
    Venue,
    org_unit=_subtree(),
    grade=CodeFilter(field_name="grade", label=_("Grade"), choices=_grades),
)
InspectionFilter = list_filterset(VenueInspection, venue=_venue())
SanctionFilter = list_filterset(VenueSanction, venue=_venue())
TipFilter = list_filterset(
    Tip,
    org_unit=_subtree(),
    status=df.ChoiceFilter(field_name="status", label=_("Status"), choices=TipStatus.choices),
)


class _UnitQuery:
    """The unit of a figures query: on the page a choice of the county and its townships the
    user may reach, over the API any unit the user may reach, by id (else 404); without one,
    ``selectors.default_unit``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.page:
            units = selectors.reachable_units(self.user).filter(
                level__in=[UnitLevel.COUNTY, UnitLevel.TOWNSHIP]
            )
            offer_units(self, units.order_by("path"))

    def unit(self) -> OrgUnit | None:
        chosen = self.values().get("org_unit")
        if chosen is None:
            return selectors.default_unit(self.user)
        if self.page:
            return chosen
        return get_object_or_404(selectors.reachable_units(self.user), pk=chosen)


class StatsQuery(_UnitQuery, UnitPeriodQuery):
    """The results statistics' unit and period (default: 1 January to today), for the page,
    its Excel export and ``GET /api/v1/enforcement/stats/``."""

    def period(self) -> selectors.Period:
        return selectors.Period(self.unit(), *self.dates())


class KpiQuery(_UnitQuery, QueryFilterSet):
    """The targets' unit and year, for the page and ``GET /api/v1/kpis/enforcement/``: the
    year from 1990 to next year (default: this year)."""

    org_unit = IdFilter(label=_("Unit (id)"))
    year = YearFilter(label=_("Year"))

    def is_valid(self):
        valid = super().is_valid()
        year = self.form.cleaned_data.get("year") if valid else None
        if year and not self._in_range(year):
            self.form.add_error("year", _("Enter a year such as 2026."))
            return False
        return valid

    @staticmethod
    def _in_range(year: int) -> bool:
        return 1990 <= year <= timezone.localdate().year + 1

    def chosen_year(self) -> int:
        """The year asked for when it is valid (``is_valid``), else this year."""
        year = self.values().get("year")
        return year if year and self._in_range(year) else timezone.localdate().year
