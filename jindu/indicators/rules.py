"""The cockpit's rules: plain functions over the rule book and plain facts (no database, no
clock), tested from tests/cases/*.yaml clause by clause."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .policy import IndicatorPolicy, Level, Target, Warning


@dataclass(frozen=True)
class Figure:
    """One target's figure for a unit and period, whatever area computed it."""

    code: str
    goal: str
    name: str
    numerator: float | None
    denominator: float | None
    value: float | None
    target: float
    comparison: str
    met: bool | None
    basis: tuple[str, ...]


def meets(target: Target, value: float | None) -> bool | None:
    if value is None or target.comparison == "rises":
        # "rises" needs the year before: the area that computes the figure judges it.
        return None
    if target.comparison == "at_most":
        return value <= target.target
    return value >= target.target


def rate_figure(target: Target, numerator: int, denominator: int) -> Figure:
    """A share in per cent (one decimal); without a denominator there is nothing to judge."""
    value = None if not denominator else round(100 * numerator / denominator, 1)
    return Figure(
        target.code,
        target.goal,
        target.name,
        numerator,
        denominator,
        value,
        target.target,
        target.comparison,
        meets(target, value),
        (target.article,),
    )


def light(met: bool | None) -> dict:
    """The traffic light in words and a symbol as well as colour (never colour alone)."""
    if met is True:
        return {"state": "met", "symbol": "✓"}
    if met is False:
        return {"state": "missed", "symbol": "✗"}
    return {"state": "none", "symbol": "–"}


# ---------------------------------------------------------------- periods


def month_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """'2026-03' → (1 March, 31 March). Raises ValueError on anything else."""
    year, month = period.split("-")
    start = datetime.date(int(year), int(month), 1)
    following = datetime.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def month_of(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_back(last: str, n: int) -> list[str]:
    """The ``n`` months ending with ``last``, oldest first."""
    year, month = map(int, last.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def same_month_last_year(period: str) -> str:
    year, month = period.split("-")
    return f"{int(year) - 1:04d}-{month}"


# ---------------------------------------------------------------- graded early warning


@dataclass(frozen=True)
class Contribution:
    indicator: str
    name: str
    kind: str  # objective / work / public
    value: float | None
    weight: float
    points: float


@dataclass(frozen=True)
class WarningResult:
    score: float
    level: str  # "" when no level is reached
    contributions: tuple[Contribution, ...]
    vetoed: bool
    basis: tuple[str, ...]


def _points(kind: str, weight: float, value: float | None, full_at: float) -> float:
    if value is None:
        # No data: nothing is charged, and the page shows the gap (value None).
        return 0.0
    share = min(max(value, 0.0) / full_at, 1.0)
    # An objective fact weighs more the worse it is; the work done, the less there is of it.
    return weight * (share if kind == "objective" else 1.0 - share)


def level_for(warning: Warning, score: float) -> Level | None:
    return next((lv for lv in warning.levels if score >= lv.min_score), None)


def warning_score(
    warning: Warning, facts: dict[str, float | None], satisfaction: float | None = None
) -> WarningResult:
    """办法第四、五条: the township's warning score (0–100, higher is worse), the level it
    reaches and what each indicator contributed. ``satisfaction`` is the public's (0–100)."""
    contributions = []
    for c in warning.components:
        value = facts.get(c.fact)
        contributions.append(
            Contribution(
                c.fact, c.name, c.kind, value, c.weight, _points(c.kind, c.weight, value, c.full_at)
            )
        )
    total = sum(c.weight for c in warning.components)
    if warning.public == "component":
        total += warning.public_weight
        contributions.append(
            Contribution(
                "public_satisfaction",
                "群众满意度",
                "public",
                satisfaction,
                warning.public_weight,
                _points("work", warning.public_weight, satisfaction, 100.0),
            )
        )
    score = round(100 * sum(c.points for c in contributions) / total, 1) if total else 0.0
    contributions = [
        Contribution(c.indicator, c.name, c.kind, c.value, c.weight, round(c.points, 2))
        for c in contributions
    ]
    level = level_for(warning, score)
    vetoed = False
    basis = [warning.article, warning.weighting_article]
    if warning.public == "veto" and satisfaction is not None and satisfaction < warning.veto_below:
        veto = warning.level(warning.veto_level)
        if veto is not None and (level is None or level.min_score < veto.min_score):
            level, vetoed = veto, True
        contributions.append(
            Contribution("public_satisfaction", "群众满意度", "public", satisfaction, 0.0, 0.0)
        )
    if level is not None and level.article not in basis:
        basis.append(level.article)
    return WarningResult(
        score, level.code if level else "", tuple(contributions), vetoed, tuple(basis)
    )


def actions_for(warning: Warning, level_code: str) -> tuple[str, ...]:
    """What reaching a level raises (a notice, an interview proposal, a listing candidate);
    a person decides on each proposal — nothing here lists a township."""
    level = warning.level(level_code)
    return level.actions if level else ()


# ---------------------------------------------------------------- briefings


def briefing_periods(every: str, year: int) -> list[str]:
    if every == "month":
        return [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    if every == "quarter":
        return [f"{year:04d}-Q{q}" for q in range(1, 5)]
    if every == "half_year":
        return [f"{year:04d}-H1", f"{year:04d}-H2"]
    return [f"{year:04d}"]


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """Bounds of a briefing period: 2026-03, 2026-Q1, 2026-H2 or 2026."""
    if "-Q" in period:
        year, q = period.split("-Q")
        first = (int(q) - 1) * 3 + 1
        if not 1 <= int(q) <= 4:
            raise ValueError(period)
        return month_bounds(f"{year}-{first:02d}")[0], month_bounds(f"{year}-{first + 2:02d}")[1]
    if "-H" in period:
        year, h = period.split("-H")
        if h not in ("1", "2"):
            raise ValueError(period)
        first = 1 if h == "1" else 7
        return month_bounds(f"{year}-{first:02d}")[0], month_bounds(f"{year}-{first + 5:02d}")[1]
    if "-" in period:
        return month_bounds(period)
    return datetime.date(int(period), 1, 1), datetime.date(int(period), 12, 31)


def briefing_due(due_day: int, period: str) -> datetime.date:
    """Due on ``due_day`` of the month after the period ends."""
    end = period_bounds(period)[1]
    following = end + datetime.timedelta(days=1)
    return following.replace(day=due_day)


def briefing_schedule(policy: IndicatorPolicy, year: int) -> list[dict]:
    """Every briefing the rule book asks for in ``year``: kind, period, due date, basis."""
    out = []
    for b in policy.briefings:
        for period in briefing_periods(b.every, year):
            out.append(
                {
                    "kind": b.kind,
                    "period": period,
                    "due_date": briefing_due(b.due_day, period),
                    "basis": (b.article,),
                    "note": b.name,
                    "scope": b.scope,
                }
            )
    return out


def briefing_number(prefix: str, year: int, sequence: int) -> str:
    """公文 number: 衡禁毒办〔2026〕3号."""
    return f"{prefix}〔{year}〕{sequence}号"


# ---------------------------------------------------------------- roll-up


def rollup_figure(target: Target, parts: list[tuple[float | None, float | None]]) -> Figure | None:
    """A unit above the townships summed from its townships' (numerator, denominator) as the
    rule book's ``rollup`` says; None for a target that is not summable (computed live)."""
    if target.rollup == "live":
        return None
    numerator = float(sum(n or 0 for n, _d in parts))
    known = [d for _n, d in parts if d is not None]
    denominator = float(sum(known)) if known else None
    if target.rollup == "count":
        value = numerator
        met = meets(target, value)
    elif target.rollup == "change":
        value = round((numerator - denominator) / denominator * 100, 1) if denominator else None
        met = (numerator == 0) if value is None else meets(target, value)
    else:
        value = round(100 * numerator / denominator, 1) if denominator else None
        met = meets(target, value)
    return Figure(
        target.code,
        target.goal,
        target.name,
        numerator,
        denominator,
        value,
        target.target,
        target.comparison,
        met,
        (target.article,),
    )
