"""People under control in the menu and on the home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_action, home_tile, menu_entry
from jindu.core.roles import Role
from jindu.core.scoping import VIEW

from .models import FollowUp, FollowUpStatus, RelapseReport, RelapseStatus, works_on_control
from .services import relapse


@menu_entry(50, "control")
def _menu(user, scope):
    if scope.is_empty:
        return []
    if scope.role == Role.GRID_WORKER:
        return [(_("Relapse reports"), reverse("control:relapse_mine"), "relapse")]
    if works_on_control(user):
        return [
            (_("Relapse reports"), reverse("control:relapse_inbox"), "relapse"),
            (_("Control targets"), reverse("control:kpis"), "kpis"),
            (_("People under control"), reverse("control:person_list"), "control"),
        ]
    return []


@home_action(10, "control.grid")
def _grid_actions(user, scope):
    """A grid worker's home starts with reporting a clue, then their own reports."""
    if scope.role != Role.GRID_WORKER:
        return []
    mine = (
        RelapseReport.objects.restrict(user, VIEW)
        .filter(reporter=user)
        .order_by("-created_at", "-id")[:5]
    )
    return [
        {"label": _("Report a clue"), "url": reverse("control:relapse_new"), "primary": True},
        {
            "label": _("My reports"),
            "url": reverse("control:relapse_mine"),
            "primary": False,
            "items": [
                (
                    f"{r.observed_on:%Y-%m-%d} · {r.grid.name} · {r.get_status_display()}",
                    reverse("control:relapse_detail", args=[r.pk]),
                )
                for r in mine.select_related("grid")
            ],
        },
    ]


@home_tile(30, "control")
def _tiles(user, scope, today):
    """What a rule asks someone to act on, and relapse reports the station has not finished
    (the police station and the office)."""
    if not works_on_control(user):
        return []
    follow_ups = FollowUp.objects.restrict(user, VIEW).filter(status=FollowUpStatus.OPEN).count()
    items = [
        {
            "label": _("Open follow-ups on people under control"),
            "count": follow_ups,
            "url": reverse("control:followups"),
            "warn": follow_ups > 0,
        }
    ]
    if relapse.may_handle(user):
        waiting = (
            RelapseReport.objects.restrict(user, VIEW).exclude(status=RelapseStatus.CLOSED).count()
        )
        items.append(
            {
                "label": _("Relapse reports not yet closed"),
                "count": waiting,
                "url": reverse("control:relapse_inbox"),
                "warn": waiting > 0,
            }
        )
    return items
