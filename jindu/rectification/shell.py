"""Key rectification in the menu and on the home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_tile, menu_entry
from jindu.core.roles import Role
from jindu.core.scoping import VIEW

from .models import Application, ApplicationStatus, Designation, DesignationStatus


@menu_entry(20, "rectification")
def _menu(user, scope):
    if scope.is_empty or scope.role == Role.GRID_WORKER:
        return []
    return [(_("Key rectification"), reverse("rectification:board"), "rectification")]


@home_tile(20, "rectification.listings")
def _listings(user, scope, today):
    if scope.role == Role.GRID_WORKER:
        return []
    return [
        {
            "label": _("Listed areas under rectification"),
            "count": Designation.objects.restrict(user, VIEW)
            .filter(status=DesignationStatus.ACTIVE)
            .count(),
            "url": reverse("rectification:board"),
            "warn": False,
        }
    ]


@home_tile(40, "rectification.applications")
def _applications(user, scope, today):
    if not scope.everything:
        return []
    return [
        {
            "label": _("Applications awaiting a decision"),
            "count": Application.objects.restrict(user, VIEW)
            .filter(status=ApplicationStatus.SUBMITTED)
            .count(),
            "url": reverse("rectification:application_list") + "?status=submitted",
            "warn": False,
        }
    ]
