"""The county Plan's target registry, graded early warning and briefing schedule
(policies/indicators/*.toml) as typed, frozen data.

``load_indicator_policy`` refuses a file that does not validate and names the file, the key
and the problem — among others a warning whose weights put the work done above the objective
drug situation (办法第五条: 侧重客观毒情).
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from django.conf import settings
from pydantic import AfterValidator, Field, model_validator

from jindu.policy.book import (
    Cite,
    Code,
    KeyProblem,
    PolicyError,
    Table,
    Text,
    as_dataclass,
    parse_book,
    read_toml,
    unique,
)

GOALS = ("organisation", "enforcement", "control", "prevention", "precursors")
AREAS = GOALS
COMPARISONS = ("at_least", "at_most", "rises")
PERIOD_KINDS = ("year", "range")
COMPONENT_KINDS = ("objective", "work")
# Facts the cockpit knows how to count per township and month (selectors.warning_facts).
FACTS = (
    "registered_per_1000",
    "newly_found",
    "relapse_confirmed",
    "cases",
    "outbound_traffickers",
    "planting_found",
    "out_of_control",
    "targets_met_share",
    "obligations_on_time_share",
    "prevention_activities",
)
ACTIONS = ("notice", "interview_proposal", "listing_candidate")
PUBLIC_MODES = ("component", "veto", "none")
EVERY = ("month", "quarter", "half_year", "year")
BRIEFING_SCOPES = ("county", "township")


@dataclass(frozen=True)
class Article:
    number: str
    law: str
    text: str


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    goal: str
    area: str
    area_code: str
    numerator: str
    denominator: str
    target: float
    unit: str
    comparison: str
    period: str
    article: str
    rollup: str = "live"

    @property
    def definition(self) -> str:
        return f"{self.numerator} / {self.denominator}"


@dataclass(frozen=True)
class Component:
    fact: str
    name: str
    kind: str
    weight: float
    full_at: float
    article: str


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    symbol: str
    min_score: float
    actions: tuple[str, ...]
    article: str


@dataclass(frozen=True)
class Warning:
    article: str
    weighting_article: str
    public: str
    public_weight: float
    veto_below: float
    veto_level: str
    components: tuple[Component, ...]
    levels: tuple[Level, ...]  # highest threshold first

    def level(self, code: str) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)


@dataclass(frozen=True)
class BriefingKind:
    kind: str
    name: str
    every: str
    due_day: int
    scope: str
    article: str


@dataclass(frozen=True)
class IndicatorPolicy:
    id: str
    title: str
    issuer: str
    effective_date: datetime.date
    articles: dict[str, Article]
    targets: tuple[Target, ...]
    warning: Warning
    briefings: tuple[BriefingKind, ...]

    def target(self, code: str) -> Target | None:
        return next((t for t in self.targets if t.code == code), None)

    def briefing(self, kind: str) -> BriefingKind | None:
        return next((b for b in self.briefings if b.kind == kind), None)


def check_weights(path: str, warning_data: dict) -> None:
    """第五条: the objective situation must weigh more than the work done (and public
    satisfaction, when it is a component of the score)."""
    objective = sum(c.weight for c in warning_data["components"] if c.kind == "objective")
    other = sum(c.weight for c in warning_data["components"] if c.kind == "work")
    if warning_data["public"] == "component":
        other += warning_data["public_weight"]
    if objective <= other:
        raise PolicyError(
            path,
            "warning.components",
            f"objective weights ({objective:g}) must be above the work and public weights "
            f"({other:g}): 第五条 weighs the objective drug situation first",
        )


# ---------------------------------------------------------------- the schema of the file
# (jindu.policy.book: typed, unknown keys refused, file: key: problem errors)

Number = Annotated[float, Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Head(Table):
    id: Text
    title: Text
    issuer: Text
    effective_date: datetime.date


class _Article(Table):
    law: Text
    text: Text


class _Target(Table):
    code: Code
    name: Text
    goal: Literal["organisation", "enforcement", "control", "prevention", "precursors"]
    area: Literal["organisation", "enforcement", "control", "prevention", "precursors"]
    area_code: Code
    numerator: Text
    denominator: Text
    target: Annotated[float, Field(ge=-100, allow_inf_nan=False)]
    unit: Text
    comparison: Literal["at_least", "at_most", "rises"]
    period: Literal["year", "range"]
    article: Cite
    # How a unit above the townships is summed from them (share, count, change) or computed
    # for itself (live): services._roll_up.
    rollup: Literal["share", "count", "change", "live"]


class _Component(Table):
    fact: Literal[FACTS]
    name: Text
    kind: Literal["objective", "work"]
    weight: NonNegative
    full_at: NonNegative
    article: Cite

    @model_validator(mode="after")
    def _positive(self):
        if self.full_at <= 0:
            raise KeyProblem("full_at", "must be above 0")
        return self


def _actions(values: tuple[str, ...]) -> tuple[str, ...]:
    for action in values:
        if action not in ACTIONS:
            raise ValueError(f"must be among {', '.join(ACTIONS)}, not {action!r}")
    return values


class _Level(Table):
    code: Code
    name: Text
    symbol: Text
    min_score: NonNegative
    actions: Annotated[tuple[Text, ...], AfterValidator(_actions)] = ()
    article: Cite


class _Warning(Table):
    article: Cite
    weighting_article: Cite
    public: Literal["component", "veto", "none"]
    public_weight: NonNegative = 0.0
    veto_below: NonNegative = 0.0
    veto_level: str = ""
    components: Annotated[tuple[_Component, ...], Field(min_length=1)]
    levels: Annotated[tuple[_Level, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self):
        facts = [c.fact for c in self.components]
        if len(set(facts)) != len(facts):
            raise KeyProblem("components", "names a fact twice")
        unique(self.levels, "levels")
        if self.public == "veto" and self.veto_level not in {lv.code for lv in self.levels}:
            raise KeyProblem("veto_level", f"names no level: {self.veto_level!r}")
        return self


class _Briefing(Table):
    kind: Code
    name: Text
    every: Literal["month", "quarter", "half_year", "year"]
    due_day: Annotated[int, Field(ge=1)]
    scope: Literal["county", "township"]
    article: Cite

    @model_validator(mode="after")
    def _day(self):
        if self.due_day > 28:
            raise KeyProblem("due_day", "must be a day 1–28 (every month has it)")
        return self


class IndicatorBook(Table):
    """``policies/indicators/<id>.toml`` as typed data."""

    policy: _Head
    articles: Annotated[dict[str, _Article], Field(min_length=1)]
    targets: Annotated[tuple[_Target, ...], Field(min_length=1)]
    warning: _Warning
    briefings: Annotated[tuple[_Briefing, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self):
        unique(self.targets, "targets")
        missing = [g for g in GOALS if not any(t.goal == g for t in self.targets)]
        if missing:
            raise KeyProblem("targets", f"has no target for the goal(s) {', '.join(missing)}")
        unique(self.briefings, "briefings", attr="kind")
        return self


def _parse(path: str, data: dict) -> IndicatorPolicy:
    book = parse_book(IndicatorBook, data, path)
    w = book.warning
    components = tuple(as_dataclass(Component, c) for c in w.components)
    check_weights(
        path, {"components": components, "public": w.public, "public_weight": w.public_weight}
    )
    return IndicatorPolicy(
        id=book.policy.id,
        title=book.policy.title,
        issuer=book.policy.issuer,
        effective_date=book.policy.effective_date,
        articles={n: Article(n, a.law, a.text) for n, a in book.articles.items()},
        targets=tuple(as_dataclass(Target, t) for t in book.targets),
        warning=as_dataclass(
            Warning,
            w,
            components=components,
            levels=tuple(
                sorted((as_dataclass(Level, lv) for lv in w.levels), key=lambda lv: -lv.min_score)
            ),
        ),
        briefings=tuple(as_dataclass(BriefingKind, b) for b in book.briefings),
    )


def load_indicator_policy(path: str | Path) -> IndicatorPolicy:
    return _parse(str(path), read_toml(path))


def loads(text: str, path: str = "<text>") -> IndicatorPolicy:
    return _parse(path, tomllib.loads(text))


def policy_path() -> Path:
    return Path(settings.JINDU_POLICY_DIR) / "indicators" / "hengyang-2018-targets.toml"


def reset_cache() -> None:
    indicator_policy.cache_clear()


@cache
def indicator_policy() -> IndicatorPolicy:
    return load_indicator_policy(policy_path())
