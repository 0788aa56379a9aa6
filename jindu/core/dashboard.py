"""The home page's "what needs me now": a few counts from each area, within the user's
jurisdiction, each linking to where the work is done. The areas contribute the counts
(``jindu.core.registry.home_tile``); core only asks them."""

import datetime

from .registry import home_tiles
from .scoping import scope_for


def work_items(user, today: datetime.date) -> list[dict]:
    scope = scope_for(user)
    if scope.is_empty:
        return []
    return home_tiles(user, scope, today)


def panels(user, today: datetime.date) -> list[str]:
    """Panels the areas put at the top of the home page (the cockpit), already rendered."""
    from .registry import home_panels

    scope = scope_for(user)
    if scope.is_empty:
        return []
    return home_panels(user, scope, today)
