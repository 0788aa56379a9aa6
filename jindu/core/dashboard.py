"""The home page's "what needs me now": a few counts from each area, within the user's
jurisdiction, each linking to where the work is done."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scoping import VIEW, scope_for


def work_items(user, today: datetime.date) -> list[dict]:
    from jindu.accountability.models import AccountabilityAction, ActionStatus
    from jindu.rectification.models import Application, ApplicationStatus, Designation
    from jindu.supervision.models import Obligation, ObligationStatus

    scope = scope_for(user)
    if scope.is_empty:
        return []
    pending = Obligation.objects.restrict(user, VIEW).filter(
        status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE]
    )
    if not scope.everything:
        pending = pending.filter(org_unit_id=user.unit_id)
    counts = {
        "overdue": pending.filter(due_date__lt=today).count(),
        "soon": pending.filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=14)
        ).count(),
    }
    todo_url = reverse("supervision:board" if scope.everything else "supervision:todo")
    items = [
        {
            "label": _("Overdue obligations"),
            "count": counts["overdue"],
            "url": todo_url,
            "warn": counts["overdue"] > 0,
        },
        {
            "label": _("Due in the next 14 days"),
            "count": counts["soon"],
            "url": todo_url,
            "warn": False,
        },
    ]
    if scope.role != "grid_worker":
        items.append(
            {
                "label": _("Listed areas under rectification"),
                "count": Designation.objects.restrict(user, VIEW).filter(status="active").count(),
                "url": reverse("rectification:board"),
                "warn": False,
            }
        )
    items += _control_items(user, scope)
    if scope.everything:
        items.append(
            {
                "label": _("Applications awaiting a decision"),
                "count": Application.objects.restrict(user, VIEW)
                .filter(status=ApplicationStatus.SUBMITTED)
                .count(),
                "url": reverse("rectification:application_list") + "?status=submitted",
                "warn": False,
            }
        )
        proposals = (
            AccountabilityAction.objects.restrict(user, VIEW)
            .filter(status=ActionStatus.PROPOSED)
            .count()
        )
        items.append(
            {
                "label": _("Accountability proposals awaiting a decision"),
                "count": proposals,
                "url": reverse("accountability:action_list") + "?status=proposed",
                "warn": proposals > 0,
            }
        )
    return items


def _control_items(user, scope) -> list[dict]:
    """People under control: what a rule asks someone to act on, and relapse reports the
    station has not finished (the police station and the office)."""
    from jindu.control.models import (
        FollowUp,
        FollowUpStatus,
        RelapseReport,
        RelapseStatus,
        works_on_control,
    )

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
    if scope.role in ("police_station", "office_admin"):
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
