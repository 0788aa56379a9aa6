"""Picker sources of the organisation: units (any level or kind) and positions."""

from django.utils.translation import gettext as _

from jindu.core.pickers import Choice, picker_source, split_param, text_filter
from jindu.core.scoping import VIEW

from .models import OrgUnit, Position


def _unit_choice(unit: OrgUnit) -> Choice:
    parent = unit.parent.name if unit.parent_id else ""
    detail = " · ".join(p for p in (unit.get_kind_display(), parent, unit.code) if p)
    return Choice(unit.pk, unit.name, detail)


@picker_source("units", choice=_unit_choice)
def units(user, q, params):
    """Units the user may see; ``level``/``kind`` (comma lists), ``under`` (a unit id),
    ``inactive=1`` to include inactive units."""
    rows = OrgUnit.objects.restrict(user, VIEW).select_related("parent")
    if levels := split_param(params, "level"):
        rows = rows.filter(level__in=levels)
    if kinds := split_param(params, "kind"):
        rows = rows.filter(kind__in=kinds)
    if (under := params.get("under", "")).isdigit():
        parent = OrgUnit.objects.filter(pk=int(under)).first()
        rows = rows.filter(path__startswith=parent.path) if parent else rows.none()
    if params.get("inactive") != "1":
        rows = rows.filter(is_active=True)
    return rows.filter(text_filter(q, name="name", code="code")).order_by("path")


def _position_choice(position: Position) -> Choice:
    state = "" if position.is_current else _("former")
    detail = " · ".join(
        p for p in (position.get_role_display(), position.org_unit.name, position.title, state) if p
    )
    return Choice(position.pk, position.holder_name, detail)


@picker_source("positions", choice=_position_choice)
def positions(user, q, params):
    """Tenures the user may see (current ones unless ``history=1``)."""
    rows = Position.objects.restrict(user, VIEW).select_related("org_unit")
    if params.get("history") != "1":
        rows = rows.current()
    if roles := split_param(params, "role"):
        rows = rows.filter(role__in=roles)
    cond = text_filter(q, name="holder_name")
    if q.strip():
        cond |= text_filter(q, name="org_unit__name", key="org_unit__search_key")
    return rows.filter(cond).order_by("holder_name", "-start_date")
