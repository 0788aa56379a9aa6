"""Enforcement in the menu and on the home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_tile, menu_entry
from jindu.core.roles import Role
from jindu.core.scoping import VIEW

from .access import enforcement_scope, is_police, works_on_enforcement
from .models import Tip, TipStatus


@menu_entry(60, "enforcement")
def _menu(user, scope):
    if scope.is_empty:
        return []
    if works_on_enforcement(user):
        return [(_("Enforcement"), reverse("enforcement:case_list"), "enforcement")]
    if scope.role == Role.GRID_WORKER:
        return [(_("Report drug crime"), reverse("public_tip"), "tip")]
    return []


@home_tile(40, "enforcement")
def _tiles(user, scope, today):
    """Tips waiting: to assign (the office), to verify (the station or the police bureau)."""
    if enforcement_scope(user).may("assign", Tip):
        waiting = Tip.objects.restrict(user, VIEW).filter(status=TipStatus.RECEIVED).count()
        label = _("Tips to assign")
    elif is_police(user):
        waiting = Tip.objects.restrict(user, VIEW).filter(status=TipStatus.ASSIGNED).count()
        label = _("Tips to verify")
    else:
        return []
    return [
        {
            "label": label,
            "count": waiting,
            "url": reverse("enforcement:tip_list"),
            "warn": waiting > 0,
        }
    ]
