"""The five control targets of Plan 一(三), the pages: the targets of a unit's subtree over a
period (numerator, denominator, value, target, met), each township's five values, and the
people behind every number (masked), exportable to Excel.

The numbers are ``selectors.control_kpis``'s; the per-township table groups the same
conditions by residence in three queries, whatever the number of townships.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jindu.core.exports import xlsx_response
from jindu.core.views import paginate

from .. import selectors
from ..filters import CODES, PARTS, KpiPartQuery, KpiQuery
from ..policy import control_policy
from . import require_control


def _period(request, query_class=KpiQuery):
    # The page and GET /api/v1/kpis/control/ read one query; the page shows its defaults in
    # the inputs and an invalid value next to its field, with no figures.
    query = query_class(request.GET, request=request, page=True)
    return query, query.period()


def _query(period: selectors.Period, **extra) -> str:
    return urlencode(
        {
            "org_unit": period.unit.pk,
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
            **extra,
        }
    )


@require_GET
def kpis(request):
    require_control(request.user)
    query, period = _period(request)
    context = {"form": query.form, "period": period}
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
                for child, values in selectors.kpi_breakdown(
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
    query, period = _period(request, KpiPartQuery)
    if period is None:
        return render(request, "control/kpi_people.html", {"form": query.form, "period": None})
    part = query.tab()
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
            "form": query.form,
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
