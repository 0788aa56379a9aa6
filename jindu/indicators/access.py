"""Who uses the cockpit: the office, the leaders, townships and police stations (the roles
that see every area's figures for their jurisdiction). Grid workers and member units see
only slices of some areas, so their figures would mislead; they get no cockpit."""

from jindu.accounts.roles import Role
from jindu.core.scoping import scope_for

COCKPIT_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.TOWNSHIP, Role.POLICE_STATION)


def may_view_cockpit(user) -> bool:
    scope = scope_for(user)
    return not scope.is_empty and scope.role in COCKPIT_ROLES


def default_unit(user):
    """A township's own unit; the others start at the county."""
    from jindu.orgs.models import OrgUnit

    scope = scope_for(user)
    if scope.role == Role.TOWNSHIP and user.unit is not None:
        return user.unit
    if scope.role == Role.POLICE_STATION:
        covered = user.unit.covers.order_by("path").first() if user.unit else None
        return covered or user.unit
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
