"""The control area's lists, parsed once (``jindu.core.filters``): the person list, the
follow-ups and the file-access log read the same FilterSet on the page, in the Excel export
and over the API, and the FilterSet hands the values to the list's selector. The API's lists
of a person's records (``?person=`` and the list's own code) are FilterSets too, so
drf-spectacular documents their parameters from them."""

from __future__ import annotations

import datetime

import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import (
    CodeFilter,
    IdFilter,
    RecordFilter,
    SelectorFilterSet,
    list_filterset,
)
from jindu.core.scoping import VIEW
from jindu.core.views import get_scoped_or_404
from jindu.core.widgets import use_picker
from jindu.orgs.filters import UnitPeriodQuery, offer_units
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel

from . import selectors
from .models import (
    AccessReason,
    ContactLog,
    ControlAssignment,
    ControlOrder,
    FileAccess,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    LeaveRequest,
    LeaveStatus,
    OrderKind,
    Person,
    PersonStatus,
    RelapseReport,
    RelapseStatus,
    ResidenceChange,
    RiskAssessment,
    RiskLevel,
    SickDisabled,
    StatusChange,
    TestResult,
    UrineTest,
)
from .policy import control_policy
from .selectors import RESIDENCE_LEVELS


def _drug_types(request=None):
    return [(c.code, c.name) for c in control_policy().code_list("drug_types")]


def _units(request):
    user = getattr(request, "user", None)
    return OrgUnit.objects.restrict(user, VIEW).filter(
        is_active=True, level__in=(UnitLevel.COUNTY, UnitLevel.TOWNSHIP, *RESIDENCE_LEVELS)
    )


def _users(request):
    return (
        get_user_model().objects.restrict(getattr(request, "user", None), VIEW).order_by("username")
    )


def _search():
    return forms.TextInput(attrs={"type": "search"})


class PersonFilter(SelectorFilterSet):
    q = df.CharFilter(label=_("Name contains"), widget=_search())
    unit = RecordFilter(label=_("Township or unit"), queryset=_units, empty_label=_("All"))
    status = df.ChoiceFilter(label=_("Status"), choices=PersonStatus.choices, empty_label=_("All"))
    risk_level = df.ChoiceFilter(label=_("Risk"), choices=RiskLevel.choices, empty_label=_("All"))
    drug_type = CodeFilter(label=_("Drug type"), choices=_drug_types, empty_label=_("All"))
    order_kind = df.ChoiceFilter(
        label=_("Order running"), choices=OrderKind.choices, empty_label=_("All")
    )
    assignment = df.ChoiceFilter(
        label=_("Control assignment"),
        choices=[("yes", _("Assigned")), ("no", _("No assignment"))],
        empty_label=_("All"),
    )
    sick = df.BooleanFilter(label=_("Sick or disabled"), widget=forms.CheckboxInput)
    # The API's names: the residence in a unit's subtree by id; an exact identity number by
    # its keyed hash (a number itself never travels in a URL: POST /api/v1/persons/lookup/).
    org_unit = IdFilter(label=_("Residence in this unit (id)"))
    id_hash = df.CharFilter(label=_("Keyed hash of an identity number (exact)"))

    api_only = ("org_unit", "id_hash")

    class Meta:
        model = Person
        fields: list[str] = []

    @property
    def form(self):
        form = super().form
        if self.page and not getattr(form, "_units_offered", False):
            # Any unit in scope is a valid filter (a link may name a village); the picker finds
            # it by name, code or pinyin initials, at any scale (a province's thousands too),
            # and the page renders only the chosen one.
            use_picker(form.fields["unit"], "units", level="county,township,village,grid")
            form._units_offered = True
        return form

    def select(self, queryset, *, org_unit=None, **values):
        if org_unit is not None:
            values["unit"] = OrgUnit.objects.filter(pk=org_unit).first()
            if values["unit"] is None:
                return queryset.none()
        return selectors.person_list(self.user, base=queryset, **values)


class FollowUpFilter(SelectorFilterSet):
    kind = df.ChoiceFilter(label=_("Kind"), choices=FollowUpKind.choices, empty_label=_("All"))
    status = df.ChoiceFilter(
        label=_("Status"), choices=FollowUpStatus.choices, empty_label=_("All")
    )
    person = IdFilter(label=_("Person (id)"))

    api_only = ("person",)

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.follow_ups(self.user, base=queryset, due_first=self.page, **values)


class FileAccessFilter(SelectorFilterSet):
    user = RecordFilter(label=_("User"), queryset=_users, empty_label=_("All"))
    person_name = df.CharFilter(label=_("Person's name contains"), widget=_search())
    reason = df.ChoiceFilter(label=_("Reason"), choices=AccessReason.choices, empty_label=_("All"))
    date_from = df.DateFilter(label=_("From"), widget=DateInput())
    date_to = df.DateFilter(label=_("Until"), widget=DateInput())
    person = IdFilter(label=_("Person (id)"))

    api_only = ("person",)

    class Meta:
        model = FileAccess
        fields: list[str] = []

    def select(self, queryset, *, user=None, **values):
        return selectors.file_accesses(self.user, base=queryset, opened_by=user, **values)


# ---------------------------------------------------------------- the API's other lists


def _of_person(model, **filters):
    """A list of one kind of a person's records: ``?person=`` (whose file must be open, as
    ``api.viewsets.PersonFileRequired`` checks) and the list's own codes."""
    return list_filterset(model, person=IdFilter(), **filters)


RiskAssessmentFilter = _of_person(RiskAssessment)
ControlOrderFilter = _of_person(ControlOrder, kind=df.ChoiceFilter(choices=OrderKind.choices))
ControlAssignmentFilter = _of_person(ControlAssignment)
StatusChangeFilter = _of_person(StatusChange)
SickDisabledFilter = _of_person(SickDisabled)
UrineTestFilter = _of_person(UrineTest, result=df.ChoiceFilter(choices=TestResult.choices))
LeaveRequestFilter = _of_person(LeaveRequest, status=df.ChoiceFilter(choices=LeaveStatus.choices))
ContactLogFilter = _of_person(ContactLog)
ResidenceChangeFilter = _of_person(ResidenceChange)
RelapseReportFilter = list_filterset(
    RelapseReport, status=df.ChoiceFilter(choices=RelapseStatus.choices)
)


# ---------------------------------------------------------------- the five targets


class KpiQuery(UnitPeriodQuery):
    """The five targets' unit and period, for the page and ``GET /api/v1/kpis/control/``: the
    unit (default ``selectors.default_kpi_unit``; the page offers ``selectors.kpi_units`` in a
    picker, the API takes any unit the user sees, by id, else 404) and the period (default:
    1 January to today). The page's inputs show the defaults it applies, not empty boxes."""

    def __init__(self, data=None, *args, request=None, page=False, **kwargs):
        if page:
            data = self._with_defaults(data, request.user)
        super().__init__(data, *args, request=request, page=page, **kwargs)
        if page:
            # Any unit in scope is valid (a drill-down link may name a village): a picker of
            # the same units, searched by name, code or pinyin initials.
            units = selectors.kpi_units(request.user)
            offer_units(self, units, required_choice=True, picker="kpi-units")

    @staticmethod
    def _with_defaults(data, user):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        today = timezone.localdate()
        if not data.get("date_to"):
            data["date_to"] = today.isoformat()
        if not data.get("date_from"):
            try:
                end = datetime.date.fromisoformat(data["date_to"])
            except ValueError:
                end = today
            data["date_from"] = end.replace(month=1, day=1).isoformat()
        if not data.get("org_unit"):
            unit = selectors.default_kpi_unit(user)
            if unit is not None:
                data["org_unit"] = str(unit.pk)
        return data

    def is_valid(self):
        valid = super().is_valid()
        if valid and self.unit() is None:
            self.form.add_error("org_unit", _("Choose the unit."))
            return False
        return valid

    def unit(self) -> OrgUnit | None:
        if not hasattr(self, "_unit"):
            chosen = self.values().get("org_unit")
            if chosen is None:
                self._unit = selectors.default_kpi_unit(self.user)
            elif self.page:
                self._unit = chosen
            else:
                self._unit = get_scoped_or_404(OrgUnit, self.user, chosen)
        return self._unit

    def period(self) -> selectors.Period | None:
        """The unit and period asked for, or None when the query is not valid (the page shows
        why next to the field; the API answers 400 before asking)."""
        if not self.is_valid():
            return None
        return selectors.Period(self.unit(), *self.dates())


CODES = (*selectors.PERSON_TARGETS, *selectors.ORDER_TARGETS)


class KpiPeopleQuery(KpiQuery):
    """``GET /api/v1/kpis/control/people/``: which target (required) and which of its parts
    (default: the denominator)."""

    code = df.ChoiceFilter(
        label=_("Target"),
        choices=[(c, c) for c in CODES],
        required=True,
        error_messages={"required": _("Choose the target.")},
    )
    which = df.ChoiceFilter(label=_("Which"), choices=[(w, w) for w in selectors.DRILL])

    class Meta:
        model = Person  # the list it parses the query of (the backend checks)
        fields: list[str] = []

    def target(self) -> tuple[str, str]:
        values = self.values()
        return values["code"], values.get("which") or "denominator"


# The drill-down page's tabs as its links name them → the selector's parts.
PARTS = {
    "numerator": "numerator",
    "denominator": "denominator",
    "missing": "gap",
    "pending": "pending",
}


class KpiPartQuery(KpiQuery):
    """The drill-down page (the target is in its path): which tab, by the page's own names
    (an unknown one opens the denominator)."""

    # A tab, not a filter: an unknown one must not make the unit and period invalid.
    part = df.CharFilter(label=_("Part"), widget=forms.HiddenInput)

    def tab(self) -> str:
        part = self.values().get("part")
        return part if part in PARTS else "denominator"
