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
    base=None,
    counted: bool = True,
):
    """Units ``user`` may see in a section of the organisation (the lists, the API); the
    lists count each unit's children."""
    queryset = (base if base is not None else OrgUnit.objects.all()).restrict(user, VIEW)
    queryset = queryset.select_related("parent")
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
    if counted:
        queryset = queryset.annotate(child_count=Count("children"))
    return queryset.order_by("path")


def visible_ancestors(user, unit: OrgUnit):
    """The breadcrumb: the unit's ancestors the user may see (a township user sees no county)."""
    return unit.ancestors().restrict(user, VIEW)


def positions_of(user, unit: OrgUnit):
    return (
        Position.objects.restrict(user, VIEW).filter(org_unit=unit).order_by("role", "-start_date")
    )


def position_list(
    user,
    *,
    q: str = "",
    role: str = "",
    current_only: bool = True,
    on=None,
    level: str = "",
    org_unit: int | None = None,
    base=None,
):
    """Tenures ``user`` may see (the positions page, the API); ``current_only``: those
    current on ``on`` (today by default)."""
    queryset = (base if base is not None else Position.objects.all()).restrict(user, VIEW)
    queryset = queryset.select_related("org_unit")
    if current_only:
        queryset = queryset.current(on)
    if org_unit is not None:
        queryset = queryset.filter(org_unit_id=org_unit)
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


# ---------------------------------------------------------------- the tree


LEADER_ROLES = ("first_responsible", "direct_responsible")


def tree_nodes(user, parent: OrgUnit | None = None, on=None) -> list[OrgUnit]:
    """One level of the geographic tree the user may see: the children of ``parent`` (or the
    user's top units). Each node carries ``sub_units`` (children), ``descendants`` (every
    unit below) and ``leaders`` (current first and direct responsible persons), in a fixed
    number of queries whatever the level's size."""
    from django.utils import timezone

    on = on or timezone.localdate()
    visible = visible_units(user).filter(level__in=GEOGRAPHIC_LEVELS, is_active=True)
    if parent is not None:
        nodes = list(visible.filter(parent=parent).order_by("sort_order", "code"))
    else:
        # The tops of the user's jurisdiction: visible units whose parent is not visible.
        rows = list(visible.order_by("path").only("pk", "path"))
        seen: set[str] = set()
        tops = []
        for row in rows:
            if not any(row.path.startswith(p) for p in seen):
                seen.add(row.path)
                tops.append(row.pk)
        nodes = list(visible.filter(pk__in=tops).order_by("path"))
    if not nodes:
        return []
    prefix = parent.path if parent is not None else ""
    counts: dict[int, list[int]] = {n.pk: [0, 0] for n in nodes}
    by_path = {n.path: n.pk for n in nodes}
    depth = {n.pk: n.path.count("/") for n in nodes}
    below = visible.filter(path__startswith=prefix) if prefix else visible
    for path in below.values_list("path", flat=True).iterator():
        parts = path.strip("/").split("/")
        for i in range(len(parts) - 1, 0, -1):
            node = by_path.get("/" + "/".join(parts[:i]) + "/")
            if node is not None:
                counts[node][1] += 1
                if path.count("/") == depth[node] + 1:
                    counts[node][0] += 1
                break
    leaders: dict[int, list[Position]] = {}
    for position in (
        Position.objects.restrict(user, VIEW)
        .current(on)
        .filter(org_unit__in=nodes, role__in=LEADER_ROLES)
        .order_by("role", "-start_date")
    ):
        leaders.setdefault(position.org_unit_id, []).append(position)
    for node in nodes:
        node.sub_units, node.descendants = counts[node.pk]
        node.leaders = sorted(leaders.get(node.pk, []), key=lambda p: LEADER_ROLES.index(p.role))
    return nodes
