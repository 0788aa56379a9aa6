"""Named actions: which roles may do what to the records of a model, in one map per model.

A model declares ``scope_actions``: named actions (``view``, ``change``, ``submit``,
``review``, ``decide``, ``handle`` …) to the roles that may take them within their
jurisdiction. The county office administrator may take every action. ``change`` is always
declared (``()``: the office alone); an action the map does not name falls to the ``change``
roles. This is the one spelling: ``jindu/core/tests/test_permissions_map.py`` refuses any other
and any role that ``Role`` does not know.

Everything reads this map: ``Scope.may`` and ``can()`` (``jindu.core.scoping``), services,
views, the menu and the ``{% available_actions %}`` template tag. A model may also say which
actions its *state* allows (``allows_action(action) -> bool``: a submitted report can be
reviewed, not edited), so ``jindu.core.scoping.available_actions(user, obj)`` is exactly what
a page offers and the service accepts — no template decides a transition.
"""

from __future__ import annotations

from django.db import models

from .roles import Role

VIEW = "view"
CHANGE = "change"


def roles_for(model: type[models.Model] | models.Model, action: str) -> tuple[str, ...]:
    """The roles (besides the office administrator) that may take ``action`` on ``model``."""
    declared = getattr(model, "scope_actions", None) or {}
    if action in declared:
        return tuple(declared[action])
    return tuple(declared.get(CHANGE, ()))


def actions_of(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    """Every named action of ``model`` (``view`` and ``change`` always)."""
    declared = getattr(model, "scope_actions", None) or {}
    return tuple(dict.fromkeys((VIEW, CHANGE, *declared)))


def role_sees(role: str | None, model) -> bool:
    """Whether ``role`` sees ``model``'s records at all: a model may close itself to the roles
    it does not name in ``scope_view_roles`` (a tip, the access logs), whatever their
    jurisdiction. The one reading of that attribute (querysets, menus, templates)."""
    roles = getattr(model, "scope_view_roles", None)
    return roles is None or role in roles


def role_may(role: str | None, action: str, model) -> bool:
    if role is None:
        return False
    if action == VIEW or role == Role.OFFICE_ADMIN:
        return True
    return role in roles_for(model, action)
