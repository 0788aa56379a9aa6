from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE, VIEW, can, scope_for
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate, require_change

from . import importer, selectors, services
from .forms import (
    ImportForm,
    PositionEditForm,
    PositionFilterForm,
    PositionForm,
    UnitFilterForm,
    UnitForm,
)
from .models import OrgUnit, Position, UnitLevel

SECTIONS = {
    "geographic": (gettext_lazy("Organisation"), "orgs:unit_list"),
    "member_units": (gettext_lazy("Member units"), "orgs:member_unit_list"),
    "stations": (gettext_lazy("Police stations and judicial offices"), "orgs:station_list"),
}


def _unit_list(request, section: str):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    parent = request.GET.get("parent")
    units = selectors.unit_list(
        request.user,
        section=section,
        q=filters.get("q", ""),
        level=filters.get("level", "") if section == "geographic" else "",
        kind=filters.get("kind", ""),
        parent=int(parent) if parent and parent.isdigit() else None,
        include_inactive=filters.get("inactive", False),
    )
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
    listing = None
    if unit.level in (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE):
        from jindu.accountability import selectors as responsibilities
        from jindu.rectification.models import Designation

        listing = (
            Designation.objects.restrict(request.user, VIEW)
            .filter(org_unit=unit, status="active")
            .first()
        )
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
            "listing": listing,
            "helpers": responsibilities.helpers_of(request.user, unit) if listing else [],
            "duties": responsibilities.duties_of(request.user, unit, timezone.localdate())
            if listing and unit.level == UnitLevel.TOWNSHIP
            else [],
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
    form = PositionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    positions = selectors.position_list(
        request.user,
        q=filters.get("q", ""),
        role=filters.get("role", ""),
        level=filters.get("level", ""),
        current_only=not filters.get("history", False),
    )
    return render(
        request,
        "orgs/position_list.html",
        {
            "form": form,
            "page": paginate(request, positions),
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
        report = importer.import_units(request.user, form.cleaned_data["file"])
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
