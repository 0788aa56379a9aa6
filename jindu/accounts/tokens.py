"""API tokens: issued, checked, listed and revoked. Only hashes are stored."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import is_office

from .models import ApiToken, User


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "API_TOKEN_DAYS", 30))


@transaction.atomic
def issue(user: User, *, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the raw key (shown once)."""
    name = (name or "").strip()
    if len(name) > 100:
        raise Refused(_("At most %(n)d characters.") % {"n": 100}, field="name")
    limit = getattr(settings, "API_TOKEN_MAX_DAYS", 365)
    days = lifetime().days if days is None else days
    if not 1 <= days <= limit:
        raise Refused(
            _("A token lasts from 1 to %(max)d days.") % {"max": limit}, field="expires_in_days"
        )
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=_digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit.record(
        user,
        AuditAction.TOKEN,
        token,
        object_repr=f"{user.get_username()} · {name or token.prefix}",
        changes={"name": name, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


def may_manage(actor, token: ApiToken) -> bool:
    return actor is not None and (actor.pk == token.user_id or is_office(actor))


@transaction.atomic
def revoke(actor, token: ApiToken) -> ApiToken:
    if not may_manage(actor, token):
        raise NotAllowed()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, AuditAction.UPDATE, token, changes={"revoked_at": [None, "now"]})
    return token


def revoke_all(user: User, *, reason: str) -> int:
    """Revoke every live token of ``user`` (password changed, account deactivated)."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        audit.record(
            None,
            AuditAction.UPDATE,
            user,
            model_label="accounts.User",
            changes={"api_tokens_revoked": count, "reason": reason},
        )
    return count


def visible_tokens(actor, *, user_id: int | None = None):
    tokens = ApiToken.objects.select_related("user")
    if not is_office(actor):
        return tokens.filter(user=actor)
    return tokens.filter(user_id=user_id) if user_id is not None else tokens


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` checked against the stored hashes."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user__unit").filter(key_hash=_digest(key)).first()
        if token is None or not token.is_live:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.user.must_change_password:
            raise exceptions.AuthenticationFailed(
                _("Change your initial password first (on your profile page).")
            )
        now = timezone.now()
        # Written at most once a minute: a busy client should not turn every read into a write.
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.user.api_token = token
        return (token.user, token)
