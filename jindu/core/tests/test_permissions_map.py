"""The one spelling of who may do what: every model's ``scope_actions`` (jindu.core.permissions).

A model that still said ``scope_write_roles`` would be read as "the office alone" now that the
core no longer knows that name, so it fails here rather than silently closing an area; a role
the map names but ``Role`` does not know (a typo, a renamed role) would never match anyone."""

from django.apps import apps

from jindu.core.permissions import CHANGE, VIEW, actions_of, role_may, roles_for
from jindu.core.roles import Role


def _models():
    return [m for m in apps.get_models() if m.__module__.startswith("jindu.")]


def test_no_model_declares_the_older_spelling():
    older = [m._meta.label for m in _models() if hasattr(m, "scope_write_roles")]
    assert older == []


def test_every_map_names_change_and_only_known_roles():
    known = set(Role.values)
    problems = []
    for model in _models():
        declared = getattr(model, "scope_actions", None)
        if declared is None:
            continue
        if CHANGE not in declared:
            problems.append(f"{model._meta.label}: no {CHANGE!r}")
        for action, roles in declared.items():
            # A bare string would be read letter by letter ("township" in "township_x").
            if isinstance(roles, str) or not isinstance(roles, (tuple, list, frozenset, set)):
                problems.append(f"{model._meta.label}.{action}: {roles!r} is not a tuple of roles")
                continue
            problems += [
                f"{model._meta.label}.{action}: unknown role {role!r}"
                for role in roles
                if role not in known
            ]
    assert problems == []


def test_an_unnamed_action_falls_to_the_change_roles_and_view_to_everyone():
    class Declared:
        scope_actions = {CHANGE: (Role.TOWNSHIP,), "decide": ()}

    assert roles_for(Declared, "decide") == ()
    assert roles_for(Declared, "close") == (Role.TOWNSHIP,)
    assert actions_of(Declared) == (VIEW, CHANGE, "decide")
    assert role_may(Role.TOWNSHIP, CHANGE, Declared)
    assert not role_may(Role.TOWNSHIP, "decide", Declared)
    assert role_may(Role.OFFICE_ADMIN, "decide", Declared)
    assert role_may(Role.GRID_WORKER, VIEW, Declared)
    assert not role_may(None, VIEW, Declared)


def test_the_older_spelling_grants_nothing():
    class Older:
        scope_write_roles = (Role.TOWNSHIP,)

    assert not role_may(Role.TOWNSHIP, CHANGE, Older)
