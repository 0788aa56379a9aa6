"""Alerts to the county office: kept as rows (shown on the audit pages and the home page)
and e-mailed to the active office administrators who have an address."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q

from .models import AuditAction, SecurityAlert

log = logging.getLogger("jindu.security")

OFFICE_ROLE = "office_admin"


def office_addresses() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(role=OFFICE_ROLE) | Q(is_superuser=True))
    )
    return sorted({u.email for u in users if u.email})


def raise_alert(kind: str, key: str, text: str, *, subject: str = "") -> SecurityAlert | None:
    """Record the alert once per ``key``; returns it if new, None if already raised."""
    from .services import record

    try:
        with transaction.atomic():
            alert = SecurityAlert.objects.create(
                kind=kind, key=key[:200], text=str(text)[:500], subject=subject[:150]
            )
            record(
                None,
                AuditAction.ALERT,
                alert,
                object_repr=str(text)[:200],
                changes={"kind": kind, "subject": subject},
            )
    except IntegrityError:
        return None
    log.warning("security alert %s: %s", kind, text)
    addresses = office_addresses()
    if addresses:
        try:
            send_mail(
                f"[Jindu] {text}"[:150],
                str(text),
                settings.DEFAULT_FROM_EMAIL,
                addresses,
                fail_silently=True,
            )
        except Exception:  # a mail server that is down must not stop the alert itself
            log.exception("could not e-mail the security alert")
    return alert
