"""The county plan rule book: the targets a county sets itself, per area, with dated values.

National law and the county's own Plan are separate rule books (``policies/README.md``): the
Plan's targets live in ``policies/plan/<county>-<year>-plan.toml`` under ``[[targets.<area>]]``,
so another county writes its own plan file and keeps the national law as it is, and each new
area adds its own table.

The file is described by a pydantic schema (typed, unknown keys refused) and every problem
is reported as ``file: key: problem`` (``PolicyError``), like the other rule books.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

from pydantic import Field, model_validator

from .book import KeyProblem, Table, parse_book
from .loader import read_toml


class PlanArticle(Table):
    law: str = ""
    text: str = Field(min_length=1)


class PlanTarget(Table):
    """One target: a percentage, fixed (``target``) or dated (``values``: the number from each
    date on, OpenFisca style)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    article: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    target: float | None = Field(default=None, ge=0, le=100)
    values: dict[datetime.date, float] = Field(default_factory=dict, strict=False)

    @model_validator(mode="after")
    def _one_number(self):
        if (self.target is None) == (not self.values):
            raise ValueError("give either `target` or dated `values`")
        for value in self.values.values():
            if not 0 <= value <= 100:
                raise ValueError("is a percentage and cannot exceed 100")
        return self

    def value_on(self, day: datetime.date) -> float | None:
        """The target in force on ``day`` (None before the first dated value)."""
        if self.target is not None:
            return self.target
        current = None
        for start in sorted(self.values):
            if start <= day:
                current = self.values[start]
        return current

    @property
    def first_value(self) -> float:
        return self.target if self.target is not None else self.values[min(self.values)]


class PlanHead(Table):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    issuer: str = ""
    effective_date: datetime.date


class Plan(Table):
    plan: PlanHead
    targets: dict[str, tuple[PlanTarget, ...]] = Field(default_factory=dict)
    articles: dict[str, PlanArticle]
    source: str = ""

    @model_validator(mode="after")
    def _cited_and_unique(self):
        for area, targets in self.targets.items():
            seen: set[str] = set()
            for i, target in enumerate(targets):
                if target.code in seen:
                    raise KeyProblem(f"targets.{area}[{i}].code", f"duplicate code {target.code!r}")
                seen.add(target.code)
                if target.article not in self.articles:
                    raise KeyProblem(
                        f"targets.{area}[{i}].article",
                        f"cites {target.article!r}, which is not in [articles]",
                    )
        return self

    @property
    def id(self) -> str:
        return self.plan.id

    def area_targets(self, area: str) -> tuple[PlanTarget, ...]:
        return self.targets.get(area, ())


def parse_plan(raw: dict, label: str = "<plan>") -> Plan:
    return parse_book(Plan, {**raw, "source": label}, label)


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    return parse_plan(read_toml(path), str(path))


def plan_path() -> Path:
    from django.conf import settings

    return Path(
        getattr(
            settings,
            "JINDU_PLAN_FILE",
            Path(settings.BASE_DIR) / "policies" / "plan" / "hengyang-2018-plan.toml",
        )
    )


@cache
def _load(path: str) -> Plan:
    return load_plan(path)


def plan_in_force() -> Plan:
    """The county plan in force (``settings.JINDU_PLAN_FILE``)."""
    return _load(str(plan_path()))


def reset_cache() -> None:
    _load.cache_clear()
