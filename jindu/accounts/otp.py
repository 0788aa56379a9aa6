"""The second factor (TOTP, django-otp) for the roles that see most: the office
administrators and the committee leaders (``TWO_FACTOR_ROLES``). Recovery codes are
django-otp static tokens; the office can reset a user's second factor (audited). Showing a
full identity number asks for the code again when the session's last check is older than
``OTP_RECHECK_SECONDS``."""

import hashlib
import time

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core.errors import Refused
from jindu.core.scoping import require_office

CHECKED_AT = "jindu_otp_at"
RECOVERY_CODES = 10


def required_for(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.effective_role in getattr(settings, "TWO_FACTOR_ROLES", ())


def totp_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-id").first()


def start_enrolment(user) -> TOTPDevice:
    """An unconfirmed TOTP device (the user scans it, then confirms with a code)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the device with a first code; returns fresh recovery codes (shown once)."""
    if not device.verify_token((code or "").strip()):
        raise Refused(_("The code is wrong or has expired."), field="code")
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(device.user)
    audit.record(
        device.user,
        AuditAction.UPDATE,
        device.user,
        model_label="accounts.User",
        changes={"second_factor": [None, "totp"]},
    )
    mark_verified(request, device)
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def verify(request, code: str) -> bool:
    """Check a TOTP code or a recovery code (used once) and mark the session verified."""
    code = (code or "").strip().replace(" ", "")
    user = request.user
    device = totp_device(user)
    if device is not None and device.verify_token(code):
        mark_verified(request, device)
        return True
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):
            audit.record(
                user,
                AuditAction.LOGIN,
                user,
                model_label="accounts.User",
                changes={"recovery_code_used": True},
            )
            mark_verified(request, static)
            return True
    return False


def verify_user_code(user, code: str) -> bool:
    """A code for an API request (no session): TOTP or a recovery code."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return False  # no attempt: must not count toward django-otp's throttling
    device = totp_device(user)
    if device is not None and device.verify_token(code):
        return True
    return any(s.verify_token(code) for s in StaticDevice.objects.filter(user=user, confirmed=True))


def mark_verified(request, device) -> None:
    otp_login(request, device)
    request.session[CHECKED_AT] = time.time()


def is_verified(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and getattr(user, "is_verified", lambda: False)())


def recheck_due(request) -> bool:
    """Whether showing a full identity number needs the code again."""
    if not required_for(request.user):
        return False
    checked = request.session.get(CHECKED_AT, 0)
    return time.time() - checked > getattr(settings, "OTP_RECHECK_SECONDS", 15 * 60)


@transaction.atomic
def reset_second_factor(actor, user) -> None:
    """The office removes a user's second factor (lost phone); they enrol again at the next
    login. Audited."""
    require_office(actor)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(
        actor,
        AuditAction.UPDATE,
        user,
        model_label="accounts.User",
        changes={"second_factor": ["reset", None]},
    )


def demo_key(username: str) -> str:
    """A fixed TOTP key for a demo account, so the demo's codes can be printed
    (``manage.py demo_otp``). Never used for real accounts."""
    return hashlib.sha256(f"jindu-demo-totp:{username}".encode()).hexdigest()[:40]


def enrol_demo(user) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name="demo", key=demo_key(user.username), confirmed=True
    )


def current_code(device: TOTPDevice) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"
