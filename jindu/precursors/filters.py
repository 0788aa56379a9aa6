"""The precursor area's lists, parsed once (``jindu.core.filters``): each page and its API
list read the same FilterSet and hand its values to the same selector, so the same query
gives the same rows (and drf-spectacular documents the API's parameters from here)."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import CodeFilter, IdFilter, SelectorFilterSet
from jindu.orgs.filters import offer_units
from jindu.orgs.forms import DateInput

from . import selectors
from .codes import Category, FlagRule, FlagStatus, Movement, Sector
from .models import Chemical, ChemicalInspection, ChemicalLicence, Enterprise, Flag, LedgerEntry


class ChemicalFilter(SelectorFilterSet):
    category = df.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("All"))

    class Meta:
        model = Chemical
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.chemicals(self.user, base=queryset, **values)


class EnterpriseFilter(SelectorFilterSet):
    q = df.CharFilter(label=_("Search"), widget=forms.TextInput(attrs={"type": "search"}))
    sector = df.ChoiceFilter(label=_("Sector"), choices=Sector.choices, empty_label=_("All"))
    # The API names a township (or any unit: its subtree) by id.
    org_unit = IdFilter(label=_("Unit (id)"))

    api_only = ("org_unit",)

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.enterprises(self.user, base=queryset, **values)


class FlagFilter(SelectorFilterSet):
    status = df.ChoiceFilter(label=_("Status"), choices=FlagStatus.choices, empty_label=_("All"))
    rule = df.ChoiceFilter(label=_("Rule"), choices=FlagRule.choices, empty_label=_("All"))
    enterprise = IdFilter(label=_("Enterprise (id)"), widget=forms.HiddenInput)

    class Meta:
        model = Flag
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.flags(self.user, base=queryset, **values)


class LedgerFilter(SelectorFilterSet):
    enterprise = IdFilter(label=_("Enterprise (id)"))
    chemical = df.CharFilter(label=_("Substance (catalogue code)"))
    movement = df.ChoiceFilter(label=_("Movement"), choices=Movement.choices, empty_label=_("All"))
    date_from = df.DateFilter(label=_("From"), widget=DateInput())
    date_to = df.DateFilter(label=_("To"), widget=DateInput())

    class Meta:
        model = LedgerEntry
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.ledger(self.user, base=queryset, **values)


class LicenceFilter(SelectorFilterSet):
    enterprise = IdFilter(label=_("Enterprise (id)"))

    class Meta:
        model = ChemicalLicence
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.licences(self.user, base=queryset, **values)


class InspectionFilter(SelectorFilterSet):
    enterprise = IdFilter(label=_("Enterprise (id)"))

    class Meta:
        model = ChemicalInspection
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.inspections(self.user, base=queryset, **values)


def _indicators(request=None):
    from .policy import county_policy

    return [(i.code, i.name) for i in county_policy().indicators]


class KpiFilter(SelectorFilterSet):
    """The indicators' unit and period, for the page and ``GET /api/v1/kpis/precursors/``; the
    defaults are ``selectors.kpi_period``'s. The page offers ``selectors.kpi_units`` and shows
    the default period in its inputs; the API takes any unit ``kpi_period`` accepts, by id."""

    org_unit = IdFilter(label=_("Unit (id)"), help_text=_("default: your own unit"))
    date_from = df.DateFilter(
        label=_("From"), help_text=_("default: 1 January"), widget=DateInput()
    )
    date_to = df.DateFilter(label=_("To"), help_text=_("default: today"), widget=DateInput())

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, page=False, **kwargs):
        if page:
            today = timezone.localdate()
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data.setdefault("date_to", today.isoformat())
            data.setdefault("date_from", today.replace(month=1, day=1).isoformat())
        super().__init__(data, queryset, request=request, page=page, **kwargs)
        if page:
            offer_units(self, selectors.kpi_units(self.user), required_choice=True)

    def period(self) -> selectors.Period:
        """The unit and period asked for (``Refused`` naming the field when the query is
        not valid)."""
        from jindu.core.errors import Refused

        if self.is_bound and not self.form.is_valid():
            name, problems = next(iter(self.form.errors.items()))
            raise Refused(problems[0], field=name)
        values = self.values()
        if self.page and "org_unit" in values:
            values["org_unit"] = values["org_unit"].pk  # a unit of the page's list
        return selectors.kpi_period(
            self.user, **{k: values[k] for k in ("org_unit", "date_from", "date_to") if k in values}
        )

    def select(self, queryset, **values):
        return queryset.none()


class KpiEnterpriseFilter(KpiFilter):
    """The enterprises behind one indicator's numerator, denominator or gap."""

    code = CodeFilter(label=_("Indicator"), choices=_indicators)
    which = df.ChoiceFilter(
        label=_("Part"),
        choices=[
            ("numerator", _("Numerator")),
            ("denominator", _("Denominator")),
            ("gap", _("Gap")),
        ],
    )

    def select(self, queryset, *, code=None, which="denominator", **values):
        from django.utils.translation import gettext as _t

        from jindu.core.errors import Refused

        if code is None:
            raise Refused(_t("Choose the indicator."), field="code")
        period = selectors.kpi_period(self.user, **values)
        return selectors.kpi_enterprises(
            self.user, period.unit, period.date_from, period.date_to, code, which
        ).order_by("name", "id")


class ReconciliationFilter(SelectorFilterSet):
    """One enterprise's balance of one substance over a period (default: this month)."""

    enterprise = IdFilter(label=_("Enterprise (id)"), required=True)
    chemical = df.CharFilter(label=_("Substance (catalogue code)"), required=True)
    date_from = df.DateFilter(label=_("From"), help_text=_("default: the 1st of the month"))
    date_to = df.DateFilter(label=_("To"), help_text=_("default: today"))

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def select(self, queryset, **values):
        return selectors.enterprises(self.user, base=queryset).filter(pk=values["enterprise"])

    def balance(self):
        """(enterprise, substance, date_from, date_to, balance); ``Refused`` naming the
        field when the query is not valid, 404 for an enterprise out of scope."""
        from django.http import Http404
        from django.utils import timezone
        from django.utils.translation import gettext as _t

        from jindu.core.errors import Refused

        from . import run

        if not self.form.is_valid():
            name, problems = next(iter(self.form.errors.items()))
            raise Refused(problems[0], field=name)
        values = self.form.cleaned_data
        enterprise = self.qs.first()
        if enterprise is None:
            raise Http404
        chemical = Chemical.objects.filter(code=values["chemical"]).first()
        if chemical is None:
            raise Refused(_t("Unknown substance code."), field="chemical")
        date_to = values.get("date_to") or timezone.localdate()
        date_from = values.get("date_from") or date_to.replace(day=1)
        if date_from > date_to:
            raise Refused(_t("The period starts after it ends."), field="date_from")
        balance = run.reconcile_pair(enterprise.pk, chemical.pk, date_from, date_to)
        return enterprise, chemical, date_from, date_to, balance
