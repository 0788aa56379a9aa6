"""Actions on user accounts: created and changed by the office administrator only."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core.errors import Refused
from jindu.core.scoping import require_office

from .models import User
from .roles import ROLE_UNIT_KINDS, Role

ACCOUNT_FIELDS = (
    "full_name",
    "role",
    "unit",
    "phone",
    "email",
    "is_active",
    "integration_purpose",
    "api_access",
)


def _check_role_unit(user: User) -> None:
    if user.role in (Role.OFFICE_ADMIN, Role.LEADER) and user.unit is None:
        return
    if user.unit is None:
        raise Refused(_("A user with this role must belong to a unit."), field="unit")
    allowed = ROLE_UNIT_KINDS[user.role]
    if user.unit.kind not in allowed:
        raise Refused(
            _("A “%(role)s” must belong to a unit of kind: %(kinds)s.")
            % {
                "role": Role(user.role).label,
                "kinds": "、".join(str(_k_label(k)) for k in allowed),
            },
            field="unit",
        )


# Roles bound to a record of a higher area: created there, with the binding, never bare.
BOUND_ROLES = (Role.SCHOOL,)


def _refuse_bound_role(role: str) -> None:
    if role in BOUND_ROLES:
        raise Refused(
            _("A school account is created on its school's page (it is bound to the school)."),
            field="role",
        )


def _k_label(kind: str):
    from jindu.orgs.models import UnitKind

    return UnitKind(kind).label


@transaction.atomic
def create_user(
    actor,
    *,
    username: str,
    password: str,
    role: str,
    unit=None,
    full_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    require_office(actor)
    _refuse_bound_role(role)
    return _new_user(
        actor,
        username=username,
        password=password,
        role=role,
        unit=unit,
        full_name=full_name,
        phone=phone,
        email=email,
    )


@transaction.atomic
def create_bound_user(
    actor,
    *,
    username: str,
    password: str,
    role: str,
    unit,
    full_name: str = "",
    phone: str = "",
    api_access: bool = False,
) -> User:
    """An account of a bound role (a school account), for the higher area's service that
    binds it in the same transaction: that service has checked who may (the office, or the
    education bureau for its schools); the account is checked and audited here."""
    if role not in BOUND_ROLES:
        raise TypeError(f"create_bound_user() is for bound roles, not {role!r}")
    user = _new_user(
        actor,
        username=username,
        password=password,
        role=role,
        unit=unit,
        full_name=full_name,
        phone=phone,
        email="",
        api_access=api_access,
    )
    return user


def _new_user(
    actor, *, username, password, role, unit, full_name, phone, email, api_access=False
) -> User:
    username = (username or "").strip()
    if not username:
        raise Refused(_("Enter the username."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(_("This username is taken."), field="username")
    user = User(
        username=username,
        role=role,
        unit=unit,
        full_name=(full_name or "").strip(),
        phone=phone or "",
        email=email or "",
        api_access=api_access,
    )
    _check_role_unit(user)
    problems = password_problems(user, password)
    if problems:
        raise Refused(problems[0], field="password", errors={"password": problems})
    user.set_password(password)
    # A password someone else chose is an initial password: changed at the first login.
    user.must_change_password = actor is not None
    user.save()
    audit.record_create(actor, user)
    return user


@transaction.atomic
def create_users(actor, accounts: list[dict], *, password: str) -> list[User]:
    """Several accounts with one initial password (the demo county's logins), each checked
    and audited as ``create_user`` does. The password is checked against every account and
    hashed once: a slow hash (Argon2, about a second here) per account was most of the
    demo's account time. ``accounts`` are ``create_user``'s keyword arguments without the
    password, plus optionally ``api_access``."""
    require_office(actor)
    taken = set(
        User.objects.filter(username__in=[a["username"].strip() for a in accounts]).values_list(
            "username", flat=True
        )
    )
    users = []
    for fields in accounts:
        fields = dict(fields)
        username = fields.pop("username").strip()
        if username in taken or User.objects.filter(username__iexact=username).exists():
            raise Refused(_("This username is taken."), field="username")
        api_access = fields.pop("api_access", False)
        _refuse_bound_role(fields.get("role"))
        user = User(username=username, api_access=api_access, **fields)
        user.full_name = user.full_name.strip()
        _check_role_unit(user)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise Refused(
                exc.messages[0], field="password", errors={"password": exc.messages}
            ) from exc
        user.must_change_password = actor is not None
        users.append(user)
        taken.add(username)
    hashed = make_password(password)
    for user in users:
        user.password = hashed
        user.save()
        audit.record_create(actor, user)
    return users


@transaction.atomic
def update_user(actor, user: User, **changes) -> User:
    require_office(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user)
    for name, value in changes.items():
        if name not in ACCOUNT_FIELDS:
            raise TypeError(f"update_user() got an unexpected field {name!r}")
        setattr(user, name, value)
    if user.role != before.get("role") and Role.SCHOOL in (user.role, before.get("role")):
        # The binding would dangle (or be missing): a school account stays one.
        raise Refused(
            _("A school account's role cannot be changed; deactivate it instead."), field="role"
        )
    if before.get("role") == Role.SCHOOL and user.unit_id != before.get("unit"):
        raise Refused(
            _("A school account belongs to its school's township; its unit cannot be changed."),
            field="unit",
        )
    _check_role_unit(user)
    if actor is not None and user.pk == actor.pk and not user.is_active:
        raise Refused(_("You cannot deactivate your own account."), field="is_active")
    user.save()  # a deactivation revokes the API tokens (accounts.signals)
    if user.is_active and not user.may_use_api:
        # A token outlives no right to it: withdrawing API access ends it.
        from . import tokens

        tokens.revoke_all(user, reason="api_access_withdrawn")
    audit.record_update(actor, user, before)
    return user


@transaction.atomic
def password_problems(user: User, password: str) -> list[str]:
    """What the password rules (AUTH_PASSWORD_VALIDATORS) say against ``password`` for
    ``user``; empty when it is acceptable. Forms show them beside the field early; the
    service refuses with them."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def set_password(actor, user: User, password: str) -> None:
    if actor is not None and actor.pk != user.pk:
        require_office(actor)
    problems = password_problems(user, password)
    if problems:
        raise Refused(problems[0], field="password", errors={"password": problems})
    user.set_password(password)
    user.must_change_password = actor is not None and actor.pk != user.pk
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor, AuditAction.UPDATE, user, changes={"password": ["***", "***"]})


def issue_token(user: User, *, name: str = "", days: int | None = None):
    """A new named API token with an expiry; returns (token row, raw key shown once)."""
    from . import tokens

    return tokens.issue(user, name=name, days=days)
