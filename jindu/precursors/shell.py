"""The precursor area in the menu and on the home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_tile, menu_entry
from jindu.core.roles import Role
from jindu.core.scoping import VIEW

from .models import Flag, FlagStatus


def _works_here(scope) -> bool:
    return not scope.is_empty and scope.role != Role.GRID_WORKER


@menu_entry(70, "precursors")
def _menu(user, scope):
    if not _works_here(scope):
        return []
    return [(_("Precursors"), reverse("precursors:enterprise_list"), "precursors")]


@home_tile(70, "precursors")
def _tiles(user, scope, today):
    if not _works_here(scope):
        return []
    open_flags = Flag.objects.restrict(user, VIEW).filter(status=FlagStatus.OPEN)
    overdue = open_flags.filter(due_date__lt=today).count()
    count = open_flags.count()
    return [
        {
            "label": _("Open precursor flags"),
            "count": count,
            "url": f"{reverse('precursors:flags')}?status=open",
            "warn": overdue > 0,
        }
    ]
