"""What each area contributes to the shell: menu entries, home-page tiles and to-do items.

`core` sits below every domain app and imports none of them. An area registers its
contributions in its ``AppConfig.ready()``; the context processor and the home page read
this registry. Each contribution is a callable that receives the user (and the scope) and
returns what that user may use, so "no button that ends in 403" is decided by the area that
owns the page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

# (label, url, key) — the shape templates/base.html renders.
MenuItem = tuple[str, str, str]


@dataclass(frozen=True)
class Contribution:
    order: int
    name: str
    fn: Callable


@dataclass
class _Registry:
    menu: list[Contribution] = field(default_factory=list)
    home: list[Contribution] = field(default_factory=list)
    context: list[Contribution] = field(default_factory=list)
    pages: dict[str, list[Contribution]] = field(default_factory=dict)
    actions: list[Contribution] = field(default_factory=list)
    panels: list[Contribution] = field(default_factory=list)

    def _add(self, bucket: list[Contribution], order: int, name: str, fn: Callable) -> None:
        # ready() may run twice in tests; a second registration of the same name replaces.
        bucket[:] = [c for c in bucket if c.name != name]
        bucket.append(Contribution(order, name, fn))
        bucket.sort(key=lambda c: (c.order, c.name))


registry = _Registry()


def menu_entry(order: int, name: str):
    """Decorate ``fn(user, scope) -> list[MenuItem]``: the area's menu entries for this user.

    Orders in use: 10 home, 20 rectification, 30 supervision/to-do, 40 accountability,
    50 control, 60 enforcement, 70 precursors, 80 prevention, 90 cockpit, 100 organisation,
    110 users, 120 audit.
    """

    def wrap(fn):
        registry._add(registry.menu, order, name, fn)
        return fn

    return wrap


def home_tile(order: int, name: str):
    """Decorate ``fn(user, scope, today) -> list[dict]``: counts of what needs the user now.

    Each dict has ``label``, ``count``, ``url`` and ``warn`` (bool).
    """

    def wrap(fn):
        registry._add(registry.home, order, name, fn)
        return fn

    return wrap


def home_action(order: int, name: str):
    """Decorate ``fn(user, scope) -> list[dict]``: what the user's home page starts with —
    the few things this role does most (a grid worker: report a clue, their reports).

    Each dict has ``label``, ``url``, ``primary`` (bool) and optionally ``items``: a short
    list of ``(text, url)`` shown under the button (e.g. the user's latest reports)."""

    def wrap(fn):
        registry._add(registry.actions, order, name, fn)
        return fn

    return wrap


def home_panel(order: int, name: str):
    """Decorate ``fn(user, scope, today) -> str | None``: a panel (rendered HTML) at the top
    of the home page, e.g. the cockpit; None when the user has none."""

    def wrap(fn):
        registry._add(registry.panels, order, name, fn)
        return fn

    return wrap


def home_actions(user, scope) -> list[dict]:
    actions: list[dict] = []
    for contribution in registry.actions:
        # Every action has its "items" key: in a template ``a.items`` on a dict without one is
        # the dict's own items (the page listed links named label, url and primary).
        actions.extend({"items": (), **action} for action in contribution.fn(user, scope))
    return actions


def shell_context(name: str):
    """Decorate ``fn(user, scope) -> dict``: extra template context for every page (e.g. the
    unread-notification badge)."""

    def wrap(fn):
        registry._add(registry.context, 0, name, fn)
        return fn

    return wrap


def page_context(page: str, name: str, order: int = 0):
    """Decorate ``fn(user, **objects) -> dict``: what a higher area adds to a lower area's
    page (e.g. accountability adds the listing, helpers and duties to ``"orgs.unit_detail"``),
    so the lower area's view need not import it."""

    def wrap(fn):
        registry._add(registry.pages.setdefault(page, []), order, name, fn)
        return fn

    return wrap


def page_extra(page: str, user, **objects) -> dict:
    context: dict = {}
    for contribution in registry.pages.get(page, ()):
        context.update(contribution.fn(user, **objects))
    return context


def menu_items(user, scope) -> list[MenuItem]:
    items: list[MenuItem] = []
    for contribution in registry.menu:
        items.extend(contribution.fn(user, scope))
    return items


def home_tiles(user, scope, today: datetime.date) -> list[dict]:
    tiles: list[dict] = []
    for contribution in registry.home:
        tiles.extend(contribution.fn(user, scope, today))
    return tiles


def home_panels(user, scope, today: datetime.date) -> list[str]:
    panels = []
    for contribution in registry.panels:
        html = contribution.fn(user, scope, today)
        if html:
            panels.append(html)
    return panels


def extra_context(user, scope) -> dict:
    context: dict = {}
    for contribution in registry.context:
        context.update(contribution.fn(user, scope))
    return context
