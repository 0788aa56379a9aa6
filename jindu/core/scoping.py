"""The one place that decides what a user may see and change.

Every view, API endpoint and export reads through ``Model.objects.restrict(user, action)``
(after NetBox's ``RestrictedQuerySet``). A model says where its organisation unit is:

* ``scope_path_field``: the name of a materialised-path field on the model itself (OrgUnit);
* ``scope_unit_field``: the lookup to its OrgUnit foreign key (e.g. ``"org_unit"``), or
  ``scope_unit_fields``: several such lookups, any of which makes the row visible;
* ``scope_actions``: its named actions (``change``, ``decide``, ``handle`` …) to the roles that
  may take them within their jurisdiction (``jindu.core.permissions``; the office
  administrator may always; leaders are read-only except where a model names them).

A user's jurisdiction is a set of subtrees of the organisation: the whole county for the
office and leaders, their own unit's subtree for township, grid and member-unit staff, and
for a police station its own unit plus the townships it covers.

A *bound* role (a school account) has no subtree at all: it is bound to one record of a
higher area, which registers the binding here (``bind_role``) — how to find the user's
record, and which rows of each model it makes visible. Every other model shows such a user
nothing, so an area that knows nothing of the binding stays closed to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from .permissions import CHANGE, VIEW, actions_of, role_may, role_sees
from .roles import Role

__all__ = [
    "CHANGE",
    "NO_SCOPE",
    "VIEW",
    "Scope",
    "ScopedQuerySet",
    "available_actions",
    "bind_role",
    "can",
    "is_office",
    "may_act_on_unit",
    "path_lookups_for",
    "require_action",
    "require_office",
    "scope_for",
]


@dataclass(frozen=True)
class Scope:
    role: str | None = None
    everything: bool = False
    read_only: bool = True
    paths: tuple[str, ...] = field(default_factory=tuple)
    # A bound role's record (e.g. the school's id); None for the roles scoped by subtrees.
    binding: object = None

    @property
    def is_empty(self) -> bool:
        """No jurisdiction over any unit's subtree. A bound account has none either: the
        areas that gate on this stay closed to it; its binding opens what it names."""
        return not self.everything and not self.paths

    @property
    def bound(self) -> bool:
        return self.binding is not None

    def may(self, action: str, model: type[models.Model]) -> bool:
        """Whether the role may ``action`` records of ``model`` at all (within its subtrees).

        The office administrator may take every action; any other role only the named actions
        whose roles name it (``jindu.core.permissions``: the model's ``scope_actions``; a
        leader, otherwise read-only, records decisions)."""
        if self.is_empty and not self.bound:
            return False
        return role_may(self.role, action, model)

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


@dataclass(frozen=True)
class Binding:
    """How a bound role sees: ``resolve(user)`` finds the user's record (its key, or None:
    the account is not bound and sees nothing); ``condition(key, model)`` is the filter on
    ``model``'s rows that the record makes visible (None: nothing of that model)."""

    resolve: Callable
    condition: Callable


_bindings: dict[str, Binding] = {}


def bind_role(role: str, *, resolve: Callable, condition: Callable) -> None:
    """Register (in the higher area's ``AppConfig.ready()``) how ``role`` is bound; a second
    registration replaces the first (``ready()`` may run twice in tests)."""
    _bindings[role] = Binding(resolve, condition)


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
    role = Role.OFFICE_ADMIN if user.is_superuser else user.role
    if role == Role.OFFICE_ADMIN:
        return Scope(role=role, everything=True, read_only=False)
    if role == Role.LEADER:
        return Scope(role=role, everything=True, read_only=True)
    unit = user.unit
    if unit is None or not unit.is_active:
        return NO_SCOPE
    if role in _bindings or role == Role.SCHOOL:
        binding = _bindings.get(role)
        key = binding.resolve(user) if binding is not None else None
        if key is None:
            return NO_SCOPE
        return Scope(role=role, everything=False, read_only=False, binding=key)
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
        if scope.bound:
            bound = _bindings[scope.role].condition(scope.binding, self.model)
            return self.none() if bound is None else self.filter(bound)
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


def sees(user, model: type[models.Model]) -> bool:
    """Whether ``user``'s role sees any of ``model``'s records: a model may close itself to
    roles beyond the jurisdiction (``scope_view_roles``: a tip, the file-access log), so a
    menu or a tab shows the list only to those it would not answer empty."""
    scope = scope_for(user)
    if scope.is_empty and not scope.bound:
        return False
    return role_sees(scope.role, model)


def is_office(user) -> bool:
    """The county office administrator (or a superuser): the one spelling of the predicate."""
    return scope_for(user).role == Role.OFFICE_ADMIN


def available_actions(user, obj: models.Model, *, known_visible: bool = False) -> tuple[str, ...]:
    """The named actions ``user`` may take on ``obj`` now: the role may (the map), the object
    is in the user's jurisdiction for that action, and its state allows it.

    ``known_visible``: the caller read ``obj`` through ``restrict(user, VIEW)`` already (a list
    or a scoped detail), so no query is needed per object."""
    scope = scope_for(user)
    if scope.is_empty and not scope.bound:
        return ()
    model = type(obj)
    visible = (
        known_visible or model._default_manager.restrict(user, VIEW).filter(pk=obj.pk).exists()
    )
    if not visible:
        return ()
    allows = getattr(obj, "allows_action", None)
    result = []
    for action in actions_of(model):
        if not scope.may(action, model):
            continue
        if allows is not None and not allows(action):
            continue
        result.append(action)
    return tuple(result)


def require_action(actor, action: str, obj: models.Model) -> None:
    """A service's permission check from the model's named actions: ``actor`` may take
    ``action`` on ``obj`` (role and jurisdiction; the service checks the state with its own
    words). The system itself (``actor`` None) may."""
    from .errors import NotAllowed

    if actor is not None and not can(actor, action, obj):
        raise NotAllowed()


def require_office(actor, message: str | None = None) -> None:
    """The office's own work (assessing, inspecting, reviewing …): the office administrator,
    or the system itself (``actor`` None: the demo loader, scheduled jobs). ``message``: the
    refusal in the area's words (default: the generic one)."""
    from .errors import NotAllowed

    if actor is not None and not is_office(actor):
        raise NotAllowed(message)
