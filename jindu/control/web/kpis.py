"""The five control targets of Plan 一(三), the pages: the targets of a unit's subtree over a
period (numerator, denominator, value, target, met), each township's five values, and the
people behind every number (masked), exportable to Excel.

The numbers are ``selectors.control_kpis``'s; the per-township table groups the same
conditions by residence in three queries, whatever the number of townships.
"""

import datetime
from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jindu.accounts.roles import Role
from jindu.core.exports import xlsx_response
from jindu.core.scoping import VIEW, scope_for
from jindu.core.views import paginate
from jindu.core.widgets import use_picker
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel

from .. import selectors
from ..policy import control_policy
from . import require_control

# The drill-down's parts as the page names them → the selector's.
PARTS = {
    "numerator": "numerator",
    "denominator": "denominator",
    "missing": "gap",
    "pending": "pending",
}
CODES = (*selectors.PERSON_TARGETS, *selectors.ORDER_TARGETS)
UNIT_LEVELS = (UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE)


def units_for(user):
    """The units whose targets ``user`` may ask for: the geographic units in scope (down to
    villages), and the county for the roles the scoping narrows (a police station)."""
    units = OrgUnit.objects.restrict(user, VIEW).filter(level__in=UNIT_LEVELS)
    if scope_for(user).role in (Role.OFFICE_ADMIN, Role.LEADER, Role.POLICE_STATION):
        units = units | OrgUnit.objects.filter(parent__isnull=True, level=UnitLevel.COUNTY)
    return units.distinct().order_by("path")


def default_unit(user, units):
    if user.unit_id and user.unit.level in UNIT_LEVELS:
        own = units.filter(pk=user.unit_id).first()
        if own is not None:
            return own
    return units.filter(parent__isnull=True).first() or units.first()


class KpiForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=OrgUnit.objects.none(), required=False
    )
    date_from = forms.DateField(label=gettext_lazy("From"), widget=DateInput(), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), widget=DateInput(), required=False)

    def __init__(self, data, *, user):
        # Show the default period in the inputs, not only in the heading.
        data = data.copy()
        today = timezone.localdate()
        if not data.get("date_to"):
            data["date_to"] = today.isoformat()
        if not data.get("date_from"):
            try:
                end = datetime.date.fromisoformat(data["date_to"])
            except ValueError:
                end = today
            data["date_from"] = end.replace(month=1, day=1).isoformat()
        units = units_for(user)
        if not data.get("org_unit"):
            # The picker shows the unit the figures are for, not an empty box.
            default = default_unit(user, units)
            if default is not None:
                data["org_unit"] = str(default.pk)
        super().__init__(data)
        field = self.fields["org_unit"]
        field.queryset = units
        field.empty_label = None
        self.user = user
        # Any unit in scope is valid (a drill-down link may name a village): a picker of
        # the same units, searched by name, code or pinyin initials.
        use_picker(field, "kpi-units")

    def clean(self):
        data = super().clean()
        data["org_unit"] = data.get("org_unit") or default_unit(
            self.user, self.fields["org_unit"].queryset
        )
        data["date_to"] = data.get("date_to") or timezone.localdate()
        data["date_from"] = data.get("date_from") or data["date_to"].replace(month=1, day=1)
        if data["date_from"] > data["date_to"]:
            self.add_error("date_from", _("The period starts after it ends."))
        if data["org_unit"] is None:
            self.add_error("org_unit", _("Choose the unit."))
        return data


def _period(request):
    form = KpiForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, selectors.Period(data["org_unit"], data["date_from"], data["date_to"])


def _query(period: selectors.Period, **extra) -> str:
    return urlencode(
        {
            "org_unit": period.unit.pk,
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
            **extra,
        }
    )


def breakdown(user, unit: OrgUnit, date_from: datetime.date, date_to: datetime.date):
    """Each direct child of ``unit`` the user may see, with its five targets: the persons'
    and the orders' parts counted once, grouped by the unit each person lived in on the
    as-of date (three queries)."""
    children = list(
        OrgUnit.objects.restrict(user, VIEW)
        .filter(parent=unit, level__in=(UnitLevel.TOWNSHIP, UnitLevel.VILLAGE, UnitLevel.GRID))
        .order_by("sort_order", "path")
    )
    if not children:
        return []
    by_residence = selectors.control_kpis_by_unit(user, unit, date_from, date_to)
    paths = dict(OrgUnit.objects.filter(pk__in=by_residence).values_list("pk", "path"))
    result = []
    for child in children:
        totals: dict[str, int] = {}
        for residence, counts in by_residence.items():
            if paths.get(residence, "").startswith(child.path):
                for key, value in counts.items():
                    totals[key] = totals.get(key, 0) + value
        result.append((child, selectors.indicators_of(totals)))
    return result


@require_GET
def kpis(request):
    require_control(request.user)
    form, period = _period(request)
    context = {"form": form, "period": period}
    if period is not None:
        policy = control_policy()
        indicators = selectors.control_kpis(
            request.user, period.unit, period.date_from, period.date_to
        )
        context.update(
            indicators=[
                (i, policy.target(i.code).definition, i.denominator - i.numerator)
                for i in indicators
            ],
            targets=policy.targets,
            query=_query(period),
            children=[
                (child, values, _query(selectors.Period(child, period.date_from, period.date_to)))
                for child, values in breakdown(
                    request.user, period.unit, period.date_from, period.date_to
                )
            ],
        )
    return render(request, "control/kpi_list.html", context)


@require_GET
def kpi_people(request, code: str):
    require_control(request.user)
    if code not in CODES:
        raise Http404
    part = request.GET.get("part", "denominator")
    if part not in PARTS:
        part = "denominator"
    form, period = _period(request)
    if period is None:
        return render(request, "control/kpi_people.html", {"form": form, "period": None})
    target = control_policy().target(code)
    people = (
        selectors.kpi_people(
            request.user, period.unit, period.date_from, period.date_to, code, PARTS[part]
        )
        .select_related("residence_unit__parent")
        .order_by("name", "id")
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            request,
            basename=f"{target.name}-{period.unit.name}",
            title=target.name,
            unit=period.unit.name,
            period=f"{period.date_from} – {period.date_to}",
            headers=[
                _("Full name"),
                _("Identity number"),
                _("Residence"),
                _("Status"),
                _("Risk"),
            ],
            rows=(
                (
                    p.name,
                    p.id_masked,
                    _residence(p),
                    p.get_status_display(),
                    p.get_risk_level_display(),
                )
                for p in people.iterator(chunk_size=2000)
            ),
            what="control.kpi_people",
        )
    return render(
        request,
        "control/kpi_people.html",
        {
            "form": form,
            "period": period,
            "target": target,
            "code": code,
            "part": part,
            "parts": [
                ("numerator", _("Numerator")),
                ("denominator", _("Denominator")),
                ("missing", _("Missing: in the denominator, not in the numerator")),
                *(
                    [("pending", _("Pending: not reported yet, the 15 days still running"))]
                    if code == "community_execution_rate"
                    else []
                ),
            ],
            "query": _query(period),
            "page": paginate(request, people, 50),
        },
    )


def _residence(person) -> str:
    unit = person.residence_unit
    return f"{unit.parent.name} · {unit.name}" if unit.parent_id else unit.name


urlpatterns = [
    path("kpis/", kpis, name="kpis"),
    path("kpis/<str:code>/", kpi_people, name="kpi_people"),
]
