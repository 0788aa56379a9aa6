from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jindu.core import jobs, xlsx
from jindu.core.errors import Refused
from jindu.core.registry import page_extra
from jindu.core.scoping import CHANGE, can, scope_for
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate, require_change

from . import importer, selectors, services
from .filters import MemberUnitFilter, PositionFilter, StationFilter, UnitFilter
from .forms import (
    ImportForm,
    PositionEditForm,
    PositionForm,
    UnitForm,
)
from .models import OrgUnit, Position, UnitLevel

UNIT_FILTERS = {
    "geographic": UnitFilter,
    "member_units": MemberUnitFilter,
    "stations": StationFilter,
}

SECTIONS = {
    "geographic": (gettext_lazy("Organisation"), "orgs:unit_list"),
    "member_units": (gettext_lazy("Member units"), "orgs:member_unit_list"),
    "stations": (gettext_lazy("Police stations and judicial offices"), "orgs:station_list"),
}


def _unit_list(request, section: str):
    filterset = UNIT_FILTERS[section](
        request.GET or None, queryset=OrgUnit.objects.all(), request=request, page=True
    )
    units = filterset.qs
    form = filterset.form
    return render(
        request,
        "orgs/unit_list.html",
        {
            "title": SECTIONS[section][0],
            "section": section,
            "form": form,
            "page": paginate(request, units),
            "can_create": scope_for(request.user).may(CHANGE, OrgUnit)
            and scope_for(request.user).everything,
        },
    )


def unit_list(request):
    return _unit_list(request, "geographic")


def member_unit_list(request):
    return _unit_list(request, "member_units")


def station_list(request):
    return _unit_list(request, "stations")


def unit_detail(request, pk: int):
    unit = get_scoped_or_404(OrgUnit, request.user, pk)
    children = selectors.unit_list(request.user, parent=unit.pk, include_inactive=True)
    positions = list(selectors.positions_of(request.user, unit))
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "ancestors": selectors.visible_ancestors(request.user, unit),
            "children": paginate(request, children, 50),
            "current_positions": [p for p in positions if p.is_current],
            "past_positions": [p for p in positions if not p.is_current],
            "covers": unit.covers.all() if unit.level == UnitLevel.STATION else None,
            "covered_by": unit.covered_by.all() if unit.level == UnitLevel.TOWNSHIP else None,
            "can_change": can(request.user, CHANGE, unit),
            "can_appoint": scope_for(request.user).may(CHANGE, Position),
            # The listing box (rectification, responsibilities) comes from the areas above.
            **page_extra("orgs.unit_detail", request.user, unit=unit),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_create(request):
    require_change(request.user, OrgUnit)
    if not scope_for(request.user).everything:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    initial = {}
    parent_id = request.GET.get("parent")
    if parent_id and parent_id.isdigit():
        initial["parent"] = parent_id
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            unit = services.create_unit(request.user, **data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "title": _("New unit")})


@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = get_scoped_or_404(OrgUnit, request.user, pk, CHANGE)
    form = UnitForm(request.POST or None, instance=OrgUnit.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(request.user, unit, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(
        request,
        "orgs/unit_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": unit.name},
            "unit": unit,
        },
    )


def position_list(request):
    filterset = PositionFilter(
        request.GET or None, queryset=Position.objects.all(), request=request, page=True
    )
    return render(
        request,
        "orgs/position_list.html",
        {
            "form": filterset.form,
            "page": paginate(request, filterset.qs),
        },
    )


@require_http_methods(["GET", "POST"])
def position_create(request, pk: int):
    unit = get_scoped_or_404(OrgUnit, request.user, pk)
    require_change(request.user, Position)
    form = PositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appoint(request.user, org_unit=unit, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Appointment recorded."))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(
        request,
        "orgs/position_form.html",
        {
            "form": form,
            "unit": unit,
            "title": _("Record an appointment"),
        },
    )


@require_http_methods(["GET", "POST"])
def position_edit(request, pk: int):
    position = get_scoped_or_404(Position, request.user, pk, CHANGE)
    form = PositionEditForm(request.POST or None, instance=Position.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_position(request.user, position, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("orgs:unit_detail", pk=position.org_unit_id)
    return render(
        request,
        "orgs/position_form.html",
        {
            "form": form,
            "unit": position.org_unit,
            "title": _("Edit tenure"),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_import(request):
    require_change(request.user, OrgUnit)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if xlsx.is_large(upload) or form.cleaned_data["background"]:
            job = jobs.start(request.user, "orgs.units", upload)
            return redirect("job", pk=job.pk)
        report = importer.import_units(request.user, upload)
        if report.ok:
            messages.success(
                request,
                _(
                    "Import finished: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % report.counts(),
            )
            return redirect("orgs:unit_list")
    return render(request, "orgs/unit_import.html", {"form": form, "report": report})


def unit_import_template(request):
    require_change(request.user, OrgUnit)
    response = HttpResponse(
        importer.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="org-units-template.xlsx"'
    return response


def _pick_target(request) -> tuple[str, str] | None:
    """The filter page the tree picks a unit for (``?pick=<local url>&field=<name>``)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("pick", "")
    field = request.GET.get("field", "unit")
    if not target or not field.isidentifier():
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return None
    return target, field


def unit_tree(request):
    """The county → township → village → grid tree; branches load as they open (HTMX).
    With ``?pick=`` it chooses a unit for a filter page and goes back there."""
    pick = _pick_target(request)
    return render(
        request,
        "orgs/unit_tree.html",
        {
            "nodes": selectors.tree_nodes(request.user),
            "pick": pick,
            "pick_query": _pick_query(pick),
            "section": "tree",
        },
    )


def _pick_query(pick) -> str:
    from urllib.parse import urlencode

    return urlencode({"pick": pick[0], "field": pick[1]}) if pick else ""


def unit_tree_branch(request, pk: int):
    unit = get_scoped_or_404(OrgUnit, request.user, pk)
    pick = _pick_target(request)
    return render(
        request,
        "orgs/tree_branch.html",
        {
            "nodes": selectors.tree_nodes(request.user, unit),
            "pick": pick,
            "pick_query": _pick_query(pick),
        },
    )
