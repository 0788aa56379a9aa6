"""Authentication events belong in the audit trail too; Django announces them as signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditAction
from .services import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, AuditAction.LOGIN, user, model_label="accounts.User")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, AuditAction.LOGOUT, user, model_label="accounts.User")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(
        None,
        AuditAction.LOGIN_FAILED,
        model_label="accounts.User",
        object_repr=username,
        changes={"username": [None, username]},
    )
