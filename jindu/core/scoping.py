"""The one place that decides what a user may see and change.

Every view, API endpoint and export reads through ``Model.objects.restrict(user, action)``
(after NetBox's ``RestrictedQuerySet``). A model says where its organisation unit is:

* ``scope_path_field``: the name of a materialised-path field on the model itself (OrgUnit);
* ``scope_unit_field``: the lookup to its OrgUnit foreign key (e.g. ``"org_unit"``), or
  ``scope_unit_fields``: several such lookups, any of which makes the row visible;
* ``scope_write_roles``: roles that may change it, within their jurisdiction (the office
  administrator may always; leaders are read-only except where a model names them).

A user's jurisdiction is a set of subtrees of the organisation: the whole county for the
office and leaders, their own unit's subtree for township, grid and member-unit staff, and
for a police station its own unit plus the townships it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Scope:
    role: str | None = None
    everything: bool = False
    read_only: bool = True
    paths: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.paths

    def may(self, action: str, model: type[models.Model]) -> bool:
        """Whether the role may ``action`` records of ``model`` at all (within its subtrees).

        The office administrator may change everything; any other role only the models that
        name it in ``scope_write_roles`` (a leader, otherwise read-only, records decisions)."""
        if self.is_empty:
            return False
        if action == VIEW:
            return True
        from jindu.accounts.roles import Role

        if self.role == Role.OFFICE_ADMIN:
            return True
        return self.role in getattr(model, "scope_write_roles", ())

    def path_q(self, path_lookup: str) -> Q:
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        for path in self.paths:
            condition |= Q(**{f"{path_lookup}__startswith": path})
        return condition

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)


NO_SCOPE = Scope()


def scope_for(user) -> Scope:
    """The jurisdiction of ``user``; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_jindu_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._jindu_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    from jindu.accounts.roles import Role

    role = Role.OFFICE_ADMIN if user.is_superuser else user.role
    if role == Role.OFFICE_ADMIN:
        return Scope(role=role, everything=True, read_only=False)
    if role == Role.LEADER:
        return Scope(role=role, everything=True, read_only=True)
    unit = user.unit
    if unit is None or not unit.is_active:
        return NO_SCOPE
    paths = [unit.path]
    if role == Role.POLICE_STATION:
        paths += list(unit.covers.values_list("path", flat=True))
    return Scope(role=role, everything=False, read_only=False, paths=tuple(paths))


def path_lookups_for(model: type[models.Model]) -> tuple[str, ...]:
    """The path lookups through which a row of ``model`` belongs to units.

    ``scope_unit_fields`` (a tuple) lets a row belong to several units at once, e.g. a paired
    assistance assignment is seen by the township helped and by the member unit helping."""
    own = getattr(model, "scope_path_field", None)
    if own:
        return (own,)
    fields = getattr(model, "scope_unit_fields", None) or (
        (model.scope_unit_field,) if getattr(model, "scope_unit_field", None) else ()
    )
    if not fields:
        raise TypeError(f"{model.__name__} declares neither scope_path_field nor scope_unit_field")
    return tuple(f"{field}__path" for field in fields)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        scope = scope_for(user)
        if not scope.may(action, self.model):
            return self.none()
        if scope.everything:
            return self
        condition = Q(pk__in=[])
        for lookup in path_lookups_for(self.model):
            condition |= scope.path_q(lookup)
        return self.filter(condition)


def can(user, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may perform ``action`` on this one object."""
    model = type(obj)
    return model._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def may_act_on_unit(user, action: str, model: type[models.Model], unit) -> bool:
    """Whether ``user`` may ``action`` a ``model`` record attached to ``unit`` (for creation)."""
    scope = scope_for(user)
    return scope.may(action, model) and scope.covers_path(unit.path)


def require_office(actor) -> None:
    """The office's own work (assessing, inspecting, reviewing …): the office administrator,
    or the system itself (``actor`` None: the demo loader, scheduled jobs)."""
    from jindu.accounts.roles import Role

    from .errors import NotAllowed

    if actor is not None and scope_for(actor).role != Role.OFFICE_ADMIN:
        raise NotAllowed()
