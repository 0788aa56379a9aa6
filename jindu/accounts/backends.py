"""Slowing down an account under attack from many addresses.

django-axes locks the pair (username, address); an attacker with many addresses is not
stopped by that, so past ``LOGIN_SLOWDOWN_AFTER`` recent failures on one username (from any
address) each further attempt must wait twice as long as the previous (capped at 5 minutes).
Attempts made too early are refused without checking the password at all."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

MAX_DELAY = 300


def required_wait(username: str) -> float:
    """Seconds the account must still wait before the next attempt (0 if none)."""
    from jindu.audit.models import AuditAction, AuditEvent

    threshold = getattr(settings, "LOGIN_SLOWDOWN_AFTER", 10)
    window = timezone.now() - datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME or 1))
    # Every failure is in the audit trail (audit.signals), from whatever address.
    failures = AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED,
        model="accounts.User",
        object_repr=username,
        at__gte=window,
    )
    count = failures.count()
    if count < threshold:
        return 0
    last = failures.order_by("-at").values_list("at", flat=True).first()
    delay = min(2 ** (count - threshold), MAX_DELAY)
    waited = (timezone.now() - last).total_seconds()
    return max(0.0, delay - waited)


class AccountSlowdownBackend:
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and required_wait(str(username)[:150]) > 0:
            # PermissionDenied stops Django from trying the other backends.
            raise PermissionDenied("account slowed down")
        # No get_user(): this backend never logs anyone in, and the test client's
        # force_login() picks the first backend that has one.
        return None


class UserBackend(ModelBackend):
    """Django's password backend, whose user comes with the unit: the first thing every
    request asks of its user is the jurisdiction (``core.scoping.scope_for`` reads
    ``user.unit``), one statement fewer a request."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
