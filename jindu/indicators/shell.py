"""The cockpit in the menu and at the top of the office's and leaders' home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_panel, home_tile, menu_entry
from jindu.core.scoping import is_office

from .access import may_view_cockpit


@menu_entry(90, "cockpit")
def _menu(user, scope):
    if not may_view_cockpit(user):
        return []
    items = [
        (_("Cockpit"), reverse("indicators:cockpit"), "cockpit"),
        (_("Early warning"), reverse("indicators:warnings"), "warnings"),
    ]
    items.append((_("Briefings"), reverse("indicators:briefings"), "briefings"))
    return items


@home_panel(10, "cockpit")
def _panel(user, scope, today):
    """The office and the leaders start with the cockpit (a township with its own)."""
    if not may_view_cockpit(user):
        return None
    from .views import cockpit_panel

    return cockpit_panel(user, today)


@home_tile(90, "cockpit")
def _tiles(user, scope, today):
    if not is_office(user):
        return []
    from .models import ActionStatus, WarningAction

    open_proposals = WarningAction.objects.filter(status=ActionStatus.OPEN).count()
    return [
        {
            "label": _("Warning proposals awaiting a decision"),
            "count": open_proposals,
            "url": reverse("indicators:warnings"),
            "warn": open_proposals > 0,
        }
    ]
