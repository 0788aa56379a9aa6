"""Where the evaluation's public-satisfaction item comes from (办法第五条、第十四条（六）).

Rectification sits below the areas that run surveys, so it cannot import them. An area that
measures satisfaction registers a source here; ``record_evaluation`` and the evaluation page
ask it for a unit's figure for the year and use that instead of a typed number. Without a
source (or without responses for that unit and year) the item is typed in as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SatisfactionFigure:
    item: str  # the scoresheet item it fills (e.g. "public_satisfaction")
    rate: float  # a percentage
    respondents: int
    sample_reached: bool
    source: str  # e.g. the survey's title
    basis: tuple[str, ...] = ()


_sources: dict[str, Callable] = {}


def register_source(name: str, fn: Callable) -> None:
    """``fn(org_unit, year) -> SatisfactionFigure | None``; a second registration replaces."""
    _sources[name] = fn


def unregister_source(name: str) -> None:
    _sources.pop(name, None)


def figure_for(org_unit, year: int) -> SatisfactionFigure | None:
    for fn in _sources.values():
        figure = fn(org_unit, year)
        if figure is not None:
            return figure
    return None
