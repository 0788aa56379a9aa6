"""Repeated lockouts of one account alert the county office."""

import datetime

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit.alerts import raise_alert
from jindu.audit.models import AlertKind, AuditAction, AuditEvent
from jindu.audit.services import record


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    record(
        None,
        AuditAction.REFUSED,
        model_label="accounts.User",
        object_repr=username,
        changes={"locked_out": True, "address": ip_address},
    )
    since = timezone.now() - datetime.timedelta(days=1)
    count = AuditEvent.objects.filter(
        action=AuditAction.REFUSED, model="accounts.User", object_repr=username, at__gte=since
    ).count()
    if count >= getattr(settings, "LOCKOUT_ALERT_AT", 2):
        raise_alert(
            AlertKind.LOCKOUT,
            f"lockout:{username}:{timezone.localdate().isoformat()}",
            _("The account %(user)s was locked out %(n)d times within a day.")
            % {"user": username, "n": count},
            subject=username,
        )
