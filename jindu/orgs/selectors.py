"""Read queries for the organisation, already scoped to the user."""

from django.db.models import Count, Q

from jindu.core.scoping import VIEW, scope_for

from .models import GEOGRAPHIC_LEVELS, OrgUnit, Position, UnitKind, UnitLevel


def visible_units(user):
    return OrgUnit.objects.restrict(user, VIEW)


def unit_list(
    user,
    *,
    section: str = "geographic",
    q: str = "",
    level: str = "",
    kind: str = "",
    parent: int | None = None,
    include_inactive: bool = False,
):
    queryset = visible_units(user).select_related("parent")
    if section == "member_units":
        queryset = queryset.filter(kind=UnitKind.MEMBER_UNIT)
    elif section == "stations":
        queryset = queryset.filter(level=UnitLevel.STATION).prefetch_related("covers")
    else:
        queryset = queryset.filter(level__in=GEOGRAPHIC_LEVELS)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__startswith=q))
    if level:
        queryset = queryset.filter(level=level)
    if kind:
        queryset = queryset.filter(kind=kind)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset.annotate(child_count=Count("children")).order_by("path")


def visible_ancestors(user, unit: OrgUnit):
    """The breadcrumb: the unit's ancestors the user may see (a township user sees no county)."""
    return unit.ancestors().restrict(user, VIEW)


def positions_of(user, unit: OrgUnit):
    return (
        Position.objects.restrict(user, VIEW).filter(org_unit=unit).order_by("role", "-start_date")
    )


def position_list(user, *, q: str = "", role: str = "", current_only: bool = True, level: str = ""):
    queryset = Position.objects.restrict(user, VIEW).select_related("org_unit")
    if current_only:
        queryset = queryset.current()
    if role:
        queryset = queryset.filter(role=role)
    if level:
        queryset = queryset.filter(org_unit__level=level)
    if q:
        queryset = queryset.filter(
            Q(holder_name__icontains=q) | Q(org_unit__name__icontains=q) | Q(title__icontains=q)
        )
    return queryset.order_by("org_unit__path", "role", "-start_date")


def summary_for(user) -> dict:
    """Counts for the home page, over the user's jurisdiction."""
    scope = scope_for(user)
    if scope.is_empty:
        return {"units": {}, "scope": scope}
    counts = dict(
        visible_units(user).filter(is_active=True).values_list("level").annotate(n=Count("id"))
    )
    return {
        "scope": scope,
        "units": counts,
        "positions": Position.objects.restrict(user, VIEW).current().count(),
        "roots": visible_units(user).filter(path__in=scope.paths)
        if not scope.everything
        else visible_units(user).filter(parent__isnull=True, level=UnitLevel.COUNTY),
    }
