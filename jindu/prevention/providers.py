"""Interfaces between prevention and the areas beside it.

* Tips (举报线索) come from the enforcement area, which this branch may not have: it registers
  a ``TipSource`` here (``register_tip_source``); the tip-participation indicator says
  "no data" while none is registered. Prevention never reads enforcement's tables itself.
* Prevention's survey is a satisfaction source for the rectification evaluation (第五条): it
  registers with ``jindu.rectification.satisfaction`` so rectification, lower in the layering,
  reads the figure without importing prevention.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TipCounts:
    tips: int  # tips received from the public in the period
    cases: int  # cases solved in the period
    cases_from_tips: int  # of which started from a tip


class TipSource(Protocol):
    def __call__(
        self, user, unit, date_from: datetime.date, date_to: datetime.date
    ) -> TipCounts: ...


_tip_sources: dict[str, TipSource] = {}
# The same counts for many units at once (grouped), where a source offers them.
_tip_sources_for_units: dict[str, object] = {}
# The same counts as SQL, where a source offers them (read in the caller's statement).
_tip_sql: dict[str, object] = {}

TIP_FIGURES = ("tips", "cases", "cases_from_tips", "previous_tips")


def register_tip_source(name: str, fn: TipSource, *, for_units=None, as_sql=None) -> None:
    """Enforcement calls this in its ``ready()``: ``fn(user, unit, date_from, date_to)`` counts
    the tips and cases of ``unit``'s subtree as ``user`` may see them; ``for_units(user,
    units, date_from, date_to)`` (optional) answers ``{unit pk: TipCounts}`` for many;
    ``as_sql(user, unit, date_from, date_to, previous)`` (optional) answers the same counts
    as ``(sql, params)`` of a one-row SELECT with the columns ``TIP_FIGURES``
    (``previous_tips``: the tips of the ``previous`` (from, to) period, NULL without one)."""
    _tip_sources[name] = fn
    for registry, form in ((_tip_sources_for_units, for_units), (_tip_sql, as_sql)):
        if form is not None:
            registry[name] = form
        else:
            registry.pop(name, None)


def unregister_tip_source(name: str) -> None:
    _tip_sources.pop(name, None)
    _tip_sources_for_units.pop(name, None)
    _tip_sql.pop(name, None)


def tip_count_sql(user, unit, date_from, date_to, previous) -> tuple[str, list] | None:
    """``tip_counts`` (and the tips of the ``previous`` period) summed over the sources as a
    one-row SELECT (columns ``TIP_FIGURES``), for the caller to read in the statement of its
    other figures; None when no source is registered or one has no such form (then call
    ``tip_counts``)."""
    if not _tip_sources or any(name not in _tip_sql for name in _tip_sources):
        return None
    parts = [_tip_sql[name](user, unit, date_from, date_to, previous) for name in _tip_sources]
    if len(parts) == 1:
        return parts[0]
    sums = ", ".join(f"SUM({f}) AS {f}" for f in TIP_FIGURES)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS source" for sql, _ in parts)
    return f"SELECT {sums} FROM ({union}) AS sources", [p for _, ps in parts for p in ps]


def tip_counts_for_units(user, units, date_from, date_to) -> dict[int, TipCounts] | None:
    """``tip_counts`` of each unit: a source's grouped form where it has one."""
    if not _tip_sources:
        return None
    totals = {u.pk: [0, 0, 0] for u in units}
    for name, fn in _tip_sources.items():
        grouped = _tip_sources_for_units.get(name)
        found = (
            grouped(user, units, date_from, date_to)
            if grouped is not None
            else {u.pk: fn(user, u, date_from, date_to) for u in units}
        )
        for pk, counts in found.items():
            totals[pk][0] += counts.tips
            totals[pk][1] += counts.cases
            totals[pk][2] += counts.cases_from_tips
    return {pk: TipCounts(*t) for pk, t in totals.items()}


def tip_counts(user, unit, date_from, date_to) -> TipCounts | None:
    """Sum over the registered sources; None when there is none (the indicator: no data)."""
    if not _tip_sources:
        return None
    tips = cases = from_tips = 0
    for fn in _tip_sources.values():
        counts = fn(user, unit, date_from, date_to)
        tips += counts.tips
        cases += counts.cases
        from_tips += counts.cases_from_tips
    return TipCounts(tips, cases, from_tips)
