"""Who works on prevention: one check for the pages, the API and the menu."""

from jindu.accounts.roles import Role
from jindu.core.scoping import CHANGE, is_office, scope_for

PREVENTION_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.TOWNSHIP, Role.MEMBER_UNIT)


def may_see_prevention(user) -> bool:
    scope = scope_for(user)
    return not scope.is_empty and scope.role in PREVENTION_ROLES


def school_account_of(user) -> int | None:
    """The school a school account is bound to (its id), or None for every other user."""
    scope = scope_for(user)
    return scope.binding if scope.role == Role.SCHOOL else None


def works_on_schools(user) -> bool:
    """The school pages: everyone on prevention, and a school account (its own school)."""
    return may_see_prevention(user) or school_account_of(user) is not None


def records_for_school(user, school) -> bool:
    """Whether ``user`` may record classes and lessons of ``school``: the office, the
    school's supervising unit (the 教育局), or the school's own account."""
    if is_office(user):
        return True
    scope = scope_for(user)
    if scope.role == Role.SCHOOL:
        return scope.binding == school.pk
    return runs_schools(user) and user.unit_id == school.supervisor_id


def runs_schools(user) -> bool:
    """The office, or staff of the rule book's supervising unit (the 教育局)."""
    from .services import supervisor_unit

    if is_office(user):
        return True
    scope = scope_for(user)
    if scope.role != Role.MEMBER_UNIT:
        return False
    unit = supervisor_unit()
    return unit is not None and user.unit_id == unit.pk


def records_activities(user) -> bool:
    from .models import Activity

    return scope_for(user).may(CHANGE, Activity)
