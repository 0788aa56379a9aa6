"""Who works on prevention: one check for the pages, the API and the menu."""

from jindu.accounts.roles import Role
from jindu.core.scoping import scope_for

PREVENTION_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.TOWNSHIP, Role.MEMBER_UNIT)


def may_see_prevention(user) -> bool:
    scope = scope_for(user)
    return not scope.is_empty and scope.role in PREVENTION_ROLES


def runs_schools(user) -> bool:
    """The office, or staff of the rule book's supervising unit (the 教育局)."""
    from .services import supervisor_unit

    scope = scope_for(user)
    if scope.role == Role.OFFICE_ADMIN:
        return True
    if scope.role != Role.MEMBER_UNIT:
        return False
    unit = supervisor_unit()
    return unit is not None and user.unit_id == unit.pk


def records_activities(user) -> bool:
    return scope_for(user).role in (Role.OFFICE_ADMIN, Role.TOWNSHIP, Role.MEMBER_UNIT)
