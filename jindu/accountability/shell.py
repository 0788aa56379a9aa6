"""Accountability in the menu and on the home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_tile, menu_entry, page_context
from jindu.core.roles import Role
from jindu.core.scoping import VIEW

from .models import AccountabilityAction, ActionStatus


@menu_entry(40, "accountability")
def _menu(user, scope):
    if scope.is_empty:
        return []
    items = []
    if scope.everything:
        items.append((_("Accountability"), reverse("accountability:action_list"), "accountability"))
    if scope.role == Role.MEMBER_UNIT:
        items.append(
            (_("Paired assistance"), reverse("accountability:my_assignments"), "assistance")
        )
    return items


@home_tile(50, "accountability.proposals")
def _proposals(user, scope, today):
    if not scope.everything:
        return []
    proposals = (
        AccountabilityAction.objects.restrict(user, VIEW)
        .filter(status=ActionStatus.PROPOSED)
        .count()
    )
    return [
        {
            "label": _("Accountability proposals awaiting a decision"),
            "count": proposals,
            "url": reverse("accountability:action_list") + "?status=proposed",
            "warn": proposals > 0,
        }
    ]


@page_context("orgs.unit_detail", "accountability.listing_box")
def _unit_listing_box(user, *, unit):
    """A listed township or village's page shows its listing, helpers and duties."""
    from django.utils import timezone

    from jindu.orgs.models import UnitLevel
    from jindu.rectification.models import Designation, DesignationStatus

    from . import selectors

    if unit.level not in (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE):
        return {"listing": None}
    listing = (
        Designation.objects.restrict(user, VIEW)
        .filter(org_unit=unit, status=DesignationStatus.ACTIVE)
        .first()
    )
    if listing is None:
        return {"listing": None}
    duties = (
        selectors.duties_of(user, unit, timezone.localdate())
        if unit.level == UnitLevel.TOWNSHIP
        else []
    )
    return {"listing": listing, "helpers": selectors.helpers_of(user, unit), "duties": duties}
