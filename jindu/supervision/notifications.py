"""Telling people what needs them: the one notification service every area calls.

``notify(users, kind=…, key=…, text=…, url=…)`` writes an in-app notification per user (the
badge and the list in the header) and, where the user has an e-mail address, e-mails it —
batched: nobody gets more than one mail per hour per kind. A notification that falls inside
the hour waits; the next mail of that kind (or ``manage.py send_notification_mail``, run
hourly by the timer in docs/deploy.md) carries everything that waited, in one message.

``key`` makes a notification unique per user, so a job or an action run twice sends nothing
twice. Texts name no person under control (the mail leaves the system): they say what
happened and link to the page, which checks who may see it.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Notification

log = logging.getLogger(__name__)

MAIL_INTERVAL = datetime.timedelta(hours=1)

# The kinds of notification, with the subject line of their mail.
KINDS = {
    "general": gettext_lazy("Notifications"),
    "reminder": gettext_lazy("Deadline reminders"),
    "escalation": gettext_lazy("Escalated deadlines"),
    "report_returned": gettext_lazy("Reports returned for revision"),
    "report_accepted": gettext_lazy("Reports accepted"),
    "major_event": gettext_lazy("Major events"),
    "relapse_report": gettext_lazy("New relapse reports"),
    "follow_up": gettext_lazy("Follow-ups on people under control"),
    "decision_waiting": gettext_lazy("Proposals waiting for a decision"),
}


def notify(users, *, kind: str = "general", key: str, text: str, url: str = "") -> int:
    """Send ``text`` to each of ``users`` once per ``key``; returns how many were new."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    sent = 0
    to_mail = []
    for user in {u.pk: u for u in users}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user, kind=kind, key=key[:200], text=text[:300], url=url[:300]
                )
        except IntegrityError:
            continue
        sent += 1
        if user.email:
            to_mail.append(user.pk)
    if to_mail:
        transaction.on_commit(lambda: send_pending(user_ids=to_mail, kinds=[kind]))
    return sent


def office_admins():
    from jindu.accounts.models import User
    from jindu.accounts.roles import Role

    return User.objects.filter(Q(role=Role.OFFICE_ADMIN) | Q(is_superuser=True), is_active=True)


def leaders():
    """Who decides proposals (禁毒委领导) — and the office, which prepares the decision."""
    from jindu.accounts.models import User
    from jindu.accounts.roles import Role

    return User.objects.filter(is_active=True, role=Role.LEADER) | office_admins()


def unit_staff(unit_ids, roles=None):
    """The active accounts of the given units (optionally of some roles only)."""
    from jindu.accounts.models import User

    users = User.objects.filter(is_active=True, unit_id__in=list(unit_ids))
    return users.filter(role__in=roles) if roles else users


def mark_read(user, pk: int | None = None) -> int:
    """Mark one notification (``pk``) or all of the user's as read."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def send_pending(*, now=None, user_ids=None, kinds=None) -> int:
    """E-mail what waits, one message per user and kind, to those who got no mail of that
    kind in the last hour. Returns the number of mails sent."""
    now = now or timezone.now()
    pending = Notification.objects.filter(emailed=False, user__is_active=True).exclude(
        user__email=""
    )
    if user_ids is not None:
        pending = pending.filter(user_id__in=user_ids)
    if kinds is not None:
        pending = pending.filter(kind__in=kinds)
    groups: dict[tuple[int, str], list[Notification]] = {}
    for note in pending.select_related("user").order_by("created_at", "pk"):
        groups.setdefault((note.user_id, note.kind), []).append(note)
    mails = 0
    for (user_id, kind), notes in groups.items():
        recent = Notification.objects.filter(
            user_id=user_id, kind=kind, emailed_at__gt=now - MAIL_INTERVAL
        ).exists()
        if recent:
            continue  # the next run after the hour carries these
        if _mail(notes[0].user.email, kind, notes):
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
                emailed=True, emailed_at=now
            )
            mails += 1
    return mails


def _mail(address: str, kind: str, notes: list[Notification]) -> bool:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    lines = [f"· {n.text}" + (f"\n  {base}{n.url}" if n.url else "") for n in notes]
    # One notification: its own text is the subject; several: the kind and how many.
    subject = notes[0].text
    if len(notes) > 1:
        subject = _("%(subject)s (%(count)d)") % {
            "subject": KINDS.get(kind, KINDS["general"]),
            "count": len(notes),
        }
    try:
        send_mail(
            subject,
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
    except Exception:  # mail is a courtesy; the in-app notification stands
        log.exception("could not e-mail %d notification(s) to user", len(notes))
        return False
    return True
