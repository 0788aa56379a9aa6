"""Supervision in the menu and on the home page; the notification badge."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_tile, menu_entry, shell_context
from jindu.core.scoping import VIEW

from .models import Notification, Obligation, ObligationStatus


@menu_entry(30, "supervision")
def _menu(user, scope):
    if scope.is_empty:
        return []
    if scope.everything:
        return [(_("Supervision"), reverse("supervision:board"), "supervision")]
    return [(_("To do"), reverse("supervision:todo"), "supervision")]


@home_tile(10, "supervision.obligations")
def _obligations(user, scope, today):
    pending = Obligation.objects.restrict(user, VIEW).filter(
        status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE]
    )
    if not scope.everything:
        pending = pending.filter(org_unit_id=user.unit_id)
    overdue = pending.filter(due_date__lt=today).count()
    soon = pending.filter(
        due_date__gte=today, due_date__lte=today + datetime.timedelta(days=14)
    ).count()
    todo_url = reverse("supervision:board" if scope.everything else "supervision:todo")
    return [
        {
            "label": _("Overdue obligations"),
            "count": overdue,
            "url": todo_url,
            "warn": overdue > 0,
        },
        {
            "label": _("Due in the next 14 days"),
            "count": soon,
            "url": todo_url,
            "warn": False,
        },
    ]


@shell_context("supervision.notifications")
def _unread(user, scope):
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"unread_notifications": unread}
