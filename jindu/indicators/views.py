"""The cockpit's pages: thin — they parse the request, call selectors and services, and
hand the figures to templates (charts read their data from JSON blocks, no inline script)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jindu.core.errors import Refused
from jindu.core.scoping import is_office
from jindu.core.views import get_scoped_or_404
from jindu.orgs.models import OrgUnit, UnitLevel

from . import rules, selectors, services
from .access import default_unit, may_view_cockpit
from .filters import CockpitFilter, ItemsPageFilter, WarningFilter
from .models import ActionKind, ActionStatus, Briefing, BriefingKind, WarningAction, WarningRecord
from .policy import GOALS, indicator_policy

GOAL_NAMES = {
    "organisation": "一（一）组织领导",
    "enforcement": "一（二）缉毒执法",
    "control": "一（三）戒治管控",
    "prevention": "一（四）预防教育",
    "precursors": "一（五）制毒物品",
}


def _require(request) -> None:
    if not may_view_cockpit(request.user):
        raise PermissionDenied


def _query(filterset_class, request) -> dict:
    """The page's query, parsed by the FilterSet the API reads (an invalid value is left
    out: the page then shows its default)."""
    return filterset_class(request.GET, request=request, page=True).params()


def _unit(request, query: dict) -> OrgUnit:
    if query.get("org_unit") is not None:
        return get_scoped_or_404(OrgUnit, request.user, int(query["org_unit"]))
    unit = default_unit(request.user)
    if unit is None:
        raise Http404
    return unit


def _month(query: dict) -> str:
    return query.get("month") or rules.month_of(timezone.localdate())


def _ytd(month: str) -> tuple[datetime.date, datetime.date]:
    start, end = rules.month_bounds(month)
    return datetime.date(start.year, 1, 1), min(end, timezone.localdate())


def _figure_row(f, unit, date_from, date_to) -> dict:
    return {
        "figure": f,
        "light": rules.light(f.met),
        "url": reverse("indicators:items")
        + f"?code={f.code}&org_unit={unit.pk}&date_from={date_from}&date_to={date_to}&which=gap",
    }


def _tiles(figures, unit, date_from, date_to) -> list[dict]:
    tiles = []
    for goal in GOALS:
        rows = [_figure_row(f, unit, date_from, date_to) for f in figures if f.goal == goal]
        judged = [r["figure"].met for r in rows if r["figure"].met is not None]
        met = None if not judged else all(judged)
        tiles.append(
            {
                "goal": goal,
                "name": GOAL_NAMES[goal],
                "rows": rows,
                "met": sum(judged),
                "judged": len(judged),
                "light": rules.light(met),
            }
        )
    return tiles


def cockpit(request):
    _require(request)
    query = _query(CockpitFilter, request)
    unit = _unit(request, query)
    month = _month(query)
    date_from, date_to = _ytd(month)
    policy = indicator_policy()
    code = query.get("code") or selectors.DEFAULT_TREND
    if policy.target(code) is None:
        code = policy.targets[0].code
    result = selectors.figures_for(request.user, unit, date_from, date_to)
    townships = selectors.visible_townships(request.user, unit)
    if townships == [unit]:
        # A township's matrix is its own row: the figures just read.
        cells = {unit.pk: {f.code: f for f in result.figures}}
    else:
        cells = selectors.matrix(request.user, townships, date_from, date_to)
    warnings = {
        w.org_unit_id: w
        for w in WarningRecord.objects.restrict(request.user).filter(
            period=month, org_unit__in=townships
        )
    }
    ranking = selectors.ranking(townships, cells, warnings)
    trend = selectors.series(request.user, unit, code, 24, month)
    items_base = reverse("indicators:items")
    matrix_rows = [
        {
            "unit": t,
            "cells": [
                {
                    "figure": cells[t.pk][target.code],
                    "light": rules.light(cells[t.pk][target.code].met),
                    "url": f"{items_base}?code={target.code}&org_unit={t.pk}"
                    f"&date_from={date_from}&date_to={date_to}&which=gap",
                }
                for target in policy.targets
            ],
            "warning": warnings.get(t.pk),
            "level": policy.warning.level(getattr(warnings.get(t.pk), "level", "")),
        }
        for t in townships
    ]
    for r in ranking:
        r["level"] = policy.warning.level(getattr(r["warning"], "level", ""))
    chart_data = {
        "trend": {
            "name": policy.target(code).name,
            "periods": [p["period"] for p in trend],
            "value": [p["value"] for p in trend],
            "previous": [p["previous_year"] for p in trend],
            "labels": {"value": _("This period"), "previous": _("Same month last year")},
            "links": [
                f"{items_base}?code={code}&org_unit={unit.pk}"
                f"&date_from={rules.month_bounds(p['period'])[0]}"
                f"&date_to={rules.month_bounds(p['period'])[1]}&which=gap"
                for p in trend
            ],
        },
        "ranking": {
            "names": [r["unit"].name for r in ranking],
            "share": [r["share"] for r in ranking],
            "label": _("Share of targets met (%)"),
            "links": [
                reverse("indicators:cockpit") + f"?org_unit={r['unit'].pk}&month={month}"
                for r in ranking
            ],
        },
    }
    units = [unit]
    if unit.level != UnitLevel.TOWNSHIP:
        units += townships
    return render(
        request,
        "indicators/cockpit.html",
        {
            "unit": unit,
            "month": month,
            "date_from": date_from,
            "date_to": date_to,
            "as_of": result.as_of,
            "live": result.live,
            "tiles": _tiles(result.figures, unit, date_from, date_to),
            "targets": policy.targets,
            "matrix": matrix_rows,
            # A township's own cockpit shows its row only when it is compared with others.
            "show_matrix": len(matrix_rows) > 1 or unit.level != UnitLevel.TOWNSHIP,
            "ranking": ranking,
            "trend": trend,
            "trend_code": code,
            "trend_name": policy.target(code).name,
            "listings": selectors.listings(request.user, unit, timezone.localdate()),
            "overdue": selectors.overdue_by_unit(request.user, unit, timezone.localdate()),
            "chart_data": chart_data,
            "units": units,
            "parent": unit.parent
            if unit.parent_id and may_view_parent(request.user, unit)
            else None,
            "levels": {lv.code: lv for lv in policy.warning.levels},
        },
    )


def may_view_parent(user, unit) -> bool:
    return OrgUnit.objects.restrict(user).filter(pk=unit.parent_id).exists()


def cockpit_panel(user, today) -> str:
    """The cockpit's tiles at the top of the home page (already rendered)."""
    unit = default_unit(user)
    if unit is None:
        return ""
    month = rules.month_of(today)
    date_from, date_to = datetime.date(today.year, 1, 1), today
    result = selectors.figures_for(user, unit, date_from, date_to)
    return render_to_string(
        "indicators/_panel.html",
        {
            "unit": unit,
            "month": month,
            "as_of": result.as_of,
            "tiles": _tiles(result.figures, unit, date_from, date_to),
        },
    )


def items(request):
    """The list behind one number of the cockpit."""
    _require(request)
    query = _query(ItemsPageFilter, request)
    unit = _unit(request, query)
    policy = indicator_policy()
    target = policy.target(query.get("code", ""))
    if target is None:
        raise Http404
    if query.get("date_from") and query.get("date_to"):
        date_from, date_to = query["date_from"], query["date_to"]
    else:
        date_from, date_to = _ytd(rules.month_of(timezone.localdate()))
    which = query.get("which") or "gap"
    kind, rows = selectors.items_behind(request.user, unit, date_from, date_to, target.code, which)
    (figure,) = selectors.compute(request.user, unit, date_from, date_to, codes={target.code})
    return render(
        request,
        "indicators/items.html",
        {
            "unit": unit,
            "target": target,
            "figure": figure,
            "light": rules.light(figure.met),
            "which": which,
            "kind": kind,
            "rows": rows,
            "date_from": date_from,
            "date_to": date_to,
        },
    )


def warnings(request):
    _require(request)
    found = WarningFilter(
        request.GET,
        queryset=WarningRecord.objects.restrict(request.user),
        request=request,
        page=True,
    )
    values = found.values()
    # The page shows one month: the month asked for (``month`` or ``period``), else this one.
    asked = values.pop("month", None), values.pop("period", None)
    month = asked[0] or asked[1] or _month({})
    records = found.select(found.queryset, period=month, **values)
    history = []
    if found.unit is not None:
        history = list(
            WarningRecord.objects.restrict(request.user)
            .filter(org_unit=found.unit)
            .order_by("-period")[:24]
        )
    policy = indicator_policy()
    return render(
        request,
        "indicators/warnings.html",
        {
            "month": month,
            "records": records.select_related("org_unit")
            .prefetch_related("actions")
            .order_by("-score", "org_unit__path"),
            "history": history,
            "levels": {lv.code: lv for lv in policy.warning.levels},
            "warning_policy": policy.warning,
            "office": is_office(request.user),
            "action_kinds": dict(ActionKind.choices),
            "open_status": ActionStatus.OPEN,
        },
    )


@require_POST
def warnings_compute(request):
    if not is_office(request.user):
        raise PermissionDenied
    period = request.POST.get("period", "")
    try:
        records = services.compute_warnings(request.user, period)
    except Refused as exc:
        messages.error(request, str(exc.message))
        return redirect(reverse("indicators:warnings"))
    messages.success(request, _("%(n)d townships computed.") % {"n": len(records)})
    return redirect(reverse("indicators:warnings") + f"?month={period}")


@require_POST
def action_decide(request, pk: int):
    if not is_office(request.user):
        raise PermissionDenied
    action = get_object_or_404(WarningAction.objects.restrict(request.user), pk=pk)
    try:
        services.decide_action(request.user, action, request.POST.get("accept") == "1")
    except Refused as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("indicators:warnings") + f"?month={action.warning.period}")


def briefings(request):
    _require(request)
    office = is_office(request.user)
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        unit = get_scoped_or_404(OrgUnit, request.user, int(request.POST.get("org_unit") or 0))
        try:
            briefing = services.issue_briefing(
                request.user,
                kind=request.POST.get("kind", ""),
                period=request.POST.get("period", ""),
                org_unit=unit,
            )
        except Refused as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("Briefing %(number)s issued.") % {"number": briefing.number}
            )
        return redirect("indicators:briefings")
    policy = indicator_policy()
    return render(
        request,
        "indicators/briefings.html",
        {
            "briefings": services.visible_briefings(request.user)[:200],
            "office": office,
            "kinds": BriefingKind.choices,
            "schedule": policy.briefings,
            "units": OrgUnit.objects.restrict(request.user)
            .filter(level__in=[UnitLevel.COUNTY, UnitLevel.TOWNSHIP])
            .order_by("path"),
        },
    )


def briefing_document(request, pk: int):
    _require(request)
    briefing = get_scoped_or_404(Briefing, request.user, pk)
    return FileResponse(
        briefing.document.open("rb"), as_attachment=True, filename=f"{briefing.number}.docx"
    )
