"""Who works on enforcement, and how far each one sees.

Scoping is the platform's (``jindu.core.scoping``) with one addition the area needs: the
county police bureau (县公安局) is a *member unit*, and member-unit staff normally see only
their own unit. Which member unit is the county's police is a fact the office records
(``PoliceAuthority``: the unit and the area it polices, normally the county). Its staff get
the area's subtree for enforcement records — and only for them: every other area still
scopes them as a member unit. Other member units (education, health …) see nothing here.
"""

from __future__ import annotations

from jindu.accounts.roles import Role
from jindu.core.scoping import NO_SCOPE, Scope, scope_for

# Roles with any part in the enforcement records (grid workers: only the public tip form).
VIEW_ROLES = (
    Role.OFFICE_ADMIN,
    Role.LEADER,
    Role.MEMBER_UNIT,
    Role.POLICE_STATION,
    Role.TOWNSHIP,
)
POLICE_ROLES = (Role.MEMBER_UNIT, Role.POLICE_STATION)
# Who reads suspects' and traffickers' full identity numbers (when opening a record).
FULL_ID_ROLES = (Role.OFFICE_ADMIN, Role.MEMBER_UNIT, Role.POLICE_STATION)


def enforcement_scope(user) -> Scope:
    """The user's jurisdiction over enforcement records (cached on the user object)."""
    cached = getattr(user, "_jindu_enforcement_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    if user is not None:
        try:
            user._jindu_enforcement_scope = scope
        except AttributeError:
            pass
    return scope


def _compute(user) -> Scope:
    base = scope_for(user)
    if base.is_empty or base.role not in VIEW_ROLES:
        return NO_SCOPE
    if base.role != Role.MEMBER_UNIT:
        return base
    # By name: the models read this module to scope themselves (no import circle).
    from django.apps import apps

    PoliceAuthority = apps.get_model("enforcement", "PoliceAuthority")

    authority = (
        PoliceAuthority.objects.filter(unit_id=user.unit_id, is_active=True)
        .select_related("area")
        .first()
    )
    if authority is None:
        return NO_SCOPE
    return Scope(role=base.role, everything=False, read_only=False, paths=(authority.area.path,))


def works_on_enforcement(user) -> bool:
    return not enforcement_scope(user).is_empty


def is_police(user) -> bool:
    scope = enforcement_scope(user)
    return not scope.is_empty and scope.role in POLICE_ROLES


def sees_full_ids(user) -> bool:
    scope = enforcement_scope(user)
    return not scope.is_empty and scope.role in FULL_ID_ROLES


def may_change(user, model) -> bool:
    return enforcement_scope(user).may("change", model)
