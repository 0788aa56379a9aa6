"""Notifications, reminders and escalation (督办). In-app always; e-mail when the user has an
address. Every message has a key, so running the daily job twice sends nothing twice."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jindu.accounts.models import User
from jindu.core import workdays
from jindu.orgs.models import Position, PositionRole
from jindu.policy.registry import get_policy

from . import notifications, rules
from .models import Notification, Obligation, ObligationStatus

log = logging.getLogger(__name__)


def office_admins():
    return notifications.office_admins()


def notify(users, *, key: str, text: str, url: str = "", kind: str = "general") -> int:
    """Send ``text`` to each user once per ``key`` (see ``notifications.notify``)."""
    return notifications.notify(users, kind=kind, key=key, text=text, url=url)


def _unit_users(unit_ids):
    by_unit: dict[int, list[User]] = {}
    for user in User.objects.filter(unit_id__in=unit_ids, is_active=True):
        by_unit.setdefault(user.unit_id, []).append(user)
    return by_unit


def _texts(obligation: Obligation, stage: str) -> str:
    what = obligation.note or obligation.get_kind_display()
    values = {
        "what": what,
        "period": obligation.period,
        "due": obligation.due_date,
        "unit": obligation.org_unit.name,
    }
    return {
        "before": _("Reminder: %(what)s (%(period)s) is due on %(due)s."),
        "due": _("Due today: %(what)s (%(period)s)."),
        "overdue": _("Overdue: %(what)s (%(period)s) was due on %(due)s."),
        "escalate": _("Escalated: %(unit)s has not done %(what)s (%(period)s), due %(due)s."),
    }[stage] % values


@transaction.atomic
def send_reminders(today) -> int:
    """Remind units before and on the due date and when overdue; escalate to the unit's first
    responsible person (and the office) after the configured delay."""
    policy = get_policy()
    calendar = workdays.calendar()
    pending = list(
        Obligation.objects.filter(
            status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
            due_date__lte=today + datetime.timedelta(days=21),
        ).select_related("org_unit")
    )
    users = _unit_users({o.org_unit_id for o in pending})
    url = reverse("supervision:todo")
    sent = 0
    escalations = []
    for obligation in pending:
        for reminder in rules.reminders_for(
            obligation.due_date,
            today,
            days_before=policy.supervision.remind_working_days_before,
            escalate_after=policy.supervision.escalate_after_working_days,
            workdays=calendar,
        ):
            key = f"obligation:{obligation.pk}:{reminder.stage}"
            if reminder.stage == "escalate":
                escalations.append((obligation, key))
                continue
            sent += notify(
                users.get(obligation.org_unit_id, []),
                key=key,
                text=_texts(obligation, reminder.stage),
                url=url,
                kind="reminder",
            )
    if escalations:
        admins = list(office_admins())
        leaders = {
            p.org_unit_id: p
            for p in Position.objects.current(today).filter(
                role=PositionRole.FIRST_RESPONSIBLE,
                org_unit_id__in={o.org_unit_id for o, _key in escalations},
            )
        }
        board = reverse("supervision:board")
        for obligation, key in escalations:
            text = _texts(obligation, "escalate")
            leader = leaders.get(obligation.org_unit_id)
            if leader is not None:
                text += " " + _("First responsible person: %(name)s.") % {
                    "name": leader.holder_name
                }
            created = notify(admins, key=key, text=text, url=board, kind="escalation")
            sent += created
            if created and leader is not None and leader.holder_email:
                note = Notification(text=text, url=board)
                transaction.on_commit(lambda n=note, a=leader.holder_email: _send_raw(n, a))
    return sent


def _send_raw(note: Notification, address: str) -> None:
    try:
        send_mail(note.text, f"{note.text}\n{note.url}", settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        log.exception("could not e-mail escalation to %s", address)
