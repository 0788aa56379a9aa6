"""The schema of the Measures' rule book (``policies/<id>.toml``: rectification and
accountability), on the one schema-driven loader (:mod:`jindu.policy.book`).

Each table is a pydantic model: typed, frozen, unknown keys refused (``[rules]`` included, so
a misspelt ``decison_article`` is an error at load), every citation checked against
``[articles]``; checks across keys raise :class:`~jindu.policy.book.KeyProblem`. The rules
read the plain frozen dataclasses of :mod:`jindu.policy.schema`, built by :func:`to_policy`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from . import schema as s
from .book import (
    Cite,
    Code,
    KeyProblem,
    OptCite,
    PolicyId,
    Positive,
    Table,
    Text,
    Whole,
    one_of,
    unique,
)
from .book import as_dataclass as _as

DESIGNATION_LEVELS = ("township", "village")
POSITION_ROLES = (
    "first_responsible",
    "direct_responsible",
    "committee_director",
    "office_director",
)
OWNER_KINDS = ("member_unit", "township", "village", "county")


def _month_day(value: str) -> bool:
    try:
        datetime.date(2001, *map(int, value.split("-")))
    except (ValueError, TypeError):
        return False
    return True


Number = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Strings = tuple[Text, ...]


class Head(Table):
    id: PolicyId
    issuer: Text
    title: Text
    short_title: str = ""
    document_no: str = ""
    document_date: datetime.date
    effective_date: datetime.date
    effective_article: Cite
    designation_levels: Annotated[Strings, one_of(DESIGNATION_LEVELS)]
    designation_article: Cite
    village_article: OptCite = ""
    decided_by: Text
    office: Text

    @model_validator(mode="after")
    def _dates(self):
        if self.effective_date < self.document_date:
            raise KeyProblem("effective_date", "cannot be before document_date")
        return self


class Category(Table):
    code: Code
    name: Text
    article: Cite
    clause: str = ""


class Level(Table):
    code: Code
    name: Text
    short_name: Text
    rank: Positive
    article: Cite
    clause: str = ""
    period_months: Positive
    extensions_allowed: Whole
    extension_months: Whole = 0
    period_article: Cite
    after_extensions: Literal["continue", "decide"]
    continue_months: Whole = 0
    lower_to: str = ""
    shift_to_working_day: bool = False
    # 第十三条: from how many days before the due date an extension or continuation may be
    # decided, and why (required where extensions / continuation apply).
    extension_window_days: Positive | None = None
    extension_window_note: str | None = None
    continue_window_days: Positive | None = None
    continue_window_note: str | None = None

    @model_validator(mode="after")
    def _windows(self):
        if self.extensions_allowed and self.extension_months < 1:
            raise KeyProblem("extension_months", "must be ≥ 1 when extensions are allowed")
        windows = []
        if self.extensions_allowed:
            windows.append("extension")
        if self.after_extensions == "continue":
            windows.append("continue")
        for name in windows:
            if getattr(self, f"{name}_window_days") is None:
                raise KeyProblem(f"{name}_window_days", "is required")
            note = getattr(self, f"{name}_window_note")
            if note is None:
                raise KeyProblem(f"{name}_window_note", "is required")
            if not note.strip():
                raise KeyProblem(f"{name}_window_note", "must not be empty")
        if self.after_extensions == "continue" and self.continue_months < 1:
            raise KeyProblem("continue_months", 'must be ≥ 1 when after_extensions is "continue"')
        return self


class Lowering(Table):
    new_period: Literal["fresh", "keep"]
    article: Cite


class Rules(Table):
    """``[rules]``: which article each procedural rule cites — typed, one key per rule."""

    one_active_listing_article: OptCite = ""
    rebound_article: OptCite = ""
    application_article: OptCite = ""
    office_proposal_article: OptCite = ""
    decision_article: OptCite = ""
    lower_lift_article: OptCite = ""
    extension_article: OptCite = ""


assert tuple(name for name in Rules.model_fields if name != "notes") == s.RULE_KEYS


class Condition(Table):
    code: Code
    name: Text
    article: Cite
    clause: str = ""
    points: Strings


class ApplicationKind(Table):
    code: Code
    name: Text
    article: Cite


class Choice(Table):
    code: Code
    name: Text
    article: OptCite = ""


class Recommendation(Table):
    code: Code
    name: Text


class Grade(Table):
    code: Code
    name: Text
    min: Number


class Item(Table):
    code: Code
    section: Literal["objective", "subjective"]
    name: Text
    points: Number = 0.0
    deduct_per: Number = 0.0
    veto: bool = False
    percentage: bool = False
    article: OptCite = ""
    note: str = ""

    @model_validator(mode="after")
    def _scored(self):
        if self.veto and self.points:
            raise KeyProblem("points", "a veto item (一票否决) carries no points")
        if not self.veto and self.points <= 0:
            raise KeyProblem("points", "must be > 0 for a scored item")
        if self.percentage and self.deduct_per:
            raise KeyProblem("deduct_per", "a percentage item has no per-occurrence deduction")
        return self


class Evaluation(Table):
    article: Cite
    weights_article: Cite
    objective_weight: Number
    subjective_weight: Number
    objective_must_outweigh: bool = False
    methods: tuple[Choice, ...]
    grades: tuple[Grade, ...]
    veto_grade: Text
    recommendations: tuple[Recommendation, ...]
    items: Annotated[tuple[Item, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self):
        total = self.objective_weight + self.subjective_weight
        if abs(total - 1) > 1e-9:
            raise KeyProblem(
                "subjective_weight",
                f"the two weights must add up to 1 (they add up to {total:g})",
            )
        if self.objective_must_outweigh and self.objective_weight <= self.subjective_weight:
            raise KeyProblem(
                "objective_weight",
                "must be greater than subjective_weight (objective_must_outweigh is true)",
            )
        unique(self.methods, "methods")
        minima = [g.min for g in self.grades]
        if not minima:
            raise KeyProblem("grades", "needs at least one grade band")
        if minima != sorted(minima, reverse=True) or len(set(minima)) != len(minima):
            raise KeyProblem(
                "grades", "bands must be listed from the highest minimum down, without repeats"
            )
        if minima[-1] != 0:
            raise KeyProblem(
                "grades", "the last band must start at 0 so that every score has a grade"
            )
        if self.veto_grade not in {g.code for g in self.grades}:
            raise KeyProblem("veto_grade", f"names no grade {self.veto_grade!r}")
        unique(self.items, "items")
        for section in ("objective", "subjective"):
            points = sum(i.points for i in self.items if i.section == section)
            if abs(points - 100) > 1e-9:
                raise KeyProblem(
                    "items",
                    f"the {section} items' points must add up to 100 (they add up to {points:g})",
                )
        return self


class ListingObligation(Table):
    kind: Code
    name: Text
    article: Cite
    owner: Literal["listed_unit", "office"]
    schedule: Literal["anniversary", "period_end", "calendar_year"]
    due: str = ""
    shift_to_working_day: bool = False

    @model_validator(mode="after")
    def _due(self):
        if self.schedule == "calendar_year" and not _month_day(self.due):
            raise KeyProblem("due", "must be a month and day MM-DD for a calendar_year schedule")
        return self


class Consequence(Table):
    kind: Code
    name: Text
    when: Literal["listed", "period_missed", "extension_missed"]
    levels: Strings
    target: Literal["unit", "responsible_persons"]
    article: Cite
    clause: str = ""
    awards: Strings = ()
    scope: str = ""
    min_tenure_months_before_listing: Whole = 0
    only_if_tenure_months_before_listing: Whole = 0
    unit_levels: Annotated[Strings, one_of(DESIGNATION_LEVELS)]
    once_per_listing: bool = False
    ends_on: Literal["", "level_left"] = ""
    ends_on_note: str = ""

    @model_validator(mode="after")
    def _reading(self):
        if self.ends_on and not self.ends_on_note.strip():
            raise KeyProblem("ends_on_note", "must state the reading (why the measure ends then)")
        return self


class ResponsibilitiesTable(Table):
    assistance_article: OptCite = ""
    inspection_article: OptCite = ""
    inspections_per_year: Whole = 1
    briefing_article: OptCite = ""
    annual_assessment_article: OptCite = ""
    report_article: OptCite = ""
    report_recipients: Strings = ()
    eligibility_article: OptCite = ""
    responsible_roles: Annotated[Strings, one_of(POSITION_ROLES)] = (
        "first_responsible",
        "direct_responsible",
    )


class TownshipDuty(Table):
    code: Code
    name: Text
    article: Cite
    check: Literal["positions", "record"]
    director_role: str = ""
    principal_role: str = ""
    feeds_condition: str = ""

    @model_validator(mode="after")
    def _roles(self):
        if self.check == "positions":
            for key in ("director_role", "principal_role"):
                if getattr(self, key) not in POSITION_ROLES:
                    raise KeyProblem(key, f"must be one of {', '.join(POSITION_ROLES)}")
        return self


class Supervision(Table):
    remind_working_days_before: Whole = 3
    escalate_after_working_days: Whole = 5
    report_article: OptCite = ""
    major_event_article: OptCite = ""
    meeting_article: OptCite = ""
    letter_article: OptCite = ""


class Recurring(Table):
    kind: Code
    name: Text
    article: Cite
    owners: Annotated[Strings, one_of(OWNER_KINDS)]
    frequency: Literal["monthly", "quarterly", "yearly", "campaign"]
    due_day: Whole = 0
    due: str = ""
    due_phase: str = ""
    counterpart: Literal["", "member_unit", "township", "village", "county"] = ""
    shift_to_working_day: bool = False
    active_from: datetime.date | None = None
    active_until: datetime.date | None = None

    @model_validator(mode="after")
    def _due(self):
        if self.frequency == "monthly" and not 1 <= self.due_day <= 28:
            raise KeyProblem("due_day", "must be a day of the month from 1 to 28")
        if self.frequency == "yearly" and not _month_day(self.due):
            raise KeyProblem("due", "must be a month and day MM-DD for a yearly obligation")
        if self.frequency == "campaign" and not self.due_phase:
            raise KeyProblem("due_phase", "names the campaign phase at whose end it is due")
        return self


class ReportField(Table):
    code: Code
    name: Text
    type: Literal["text", "number"]
    required: bool = False


class Phase(Table):
    code: Code
    name: Text
    start: datetime.date
    end: datetime.date
    tasks: Strings = ()


class Campaign(Table):
    code: Text
    name: Text
    start: datetime.date
    end: datetime.date
    article: OptCite = ""
    phases: Annotated[tuple[Phase, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _within(self):
        if self.end < self.start:
            raise KeyProblem("end", "is before start")
        for i, phase in enumerate(self.phases):
            if phase.end < phase.start or phase.start < self.start or phase.end > self.end:
                raise KeyProblem(
                    f"phases[{i}].end",
                    "a phase must lie within its campaign and end after it starts",
                )
        return self


class CityLevelTable(Table):
    code: Code
    name: Text
    article: Cite
    as_level: str = ""
    consequence_articles: tuple[Cite, ...] = ()
    township_duties: bool = False


class ArticleTable(Table):
    chapter: str = ""
    text: Text


class MeasuresBook(Table):
    """``policies/<id>.toml`` as typed data (policies/README.md, "Format")."""

    articles: Annotated[dict[str, ArticleTable], Field(min_length=1)]
    policy: Head
    categories: Annotated[tuple[Category, ...], Field(min_length=1)]
    levels: Annotated[tuple[Level, ...], Field(min_length=1)]
    lowering: Lowering
    rules: Rules
    conditions: Annotated[tuple[Condition, ...], Field(min_length=1)]
    application_kinds: Annotated[tuple[ApplicationKind, ...], Field(min_length=1)]
    evaluation: Evaluation
    listing_obligations: tuple[ListingObligation, ...]
    consequences: tuple[Consequence, ...] = ()
    responsibilities: ResponsibilitiesTable = ResponsibilitiesTable()
    assistance_roles: tuple[Choice, ...] = ()
    township_duties: tuple[TownshipDuty, ...] = ()
    supervision: Supervision = Supervision()
    recurring_obligations: tuple[Recurring, ...] = ()
    report_fields: tuple[ReportField, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    city_levels: tuple[CityLevelTable, ...] = ()
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self):
        unique(self.categories, "categories")
        unique(self.levels, "levels")
        by_code = {lv.code: lv for lv in self.levels}
        for i, level in enumerate(self.levels):
            if level.lower_to:
                target = by_code.get(level.lower_to)
                if target is None:
                    raise KeyProblem(f"levels[{i}].lower_to", f"names no level {level.lower_to!r}")
                if target.rank >= level.rank:
                    raise KeyProblem(
                        f"levels[{i}].lower_to",
                        f"{level.lower_to!r} is not a lower level (its rank is not lower)",
                    )
        unique(self.conditions, "conditions")
        unique(self.application_kinds, "application_kinds")
        kinds = [o.kind for o in self.listing_obligations]
        if len(set(kinds)) != len(kinds):
            raise KeyProblem("listing_obligations", "each obligation kind may appear once")
        for i, consequence in enumerate(self.consequences):
            for code in consequence.levels:
                if code not in by_code:
                    raise KeyProblem(f"consequences[{i}].levels", f"names no level {code!r}")
        unique(self.assistance_roles, "assistance_roles")
        conditions = {c.code for c in self.conditions}
        for i, duty in enumerate(self.township_duties):
            if duty.feeds_condition and duty.feeds_condition not in conditions:
                raise KeyProblem(
                    f"township_duties[{i}].feeds_condition",
                    f"names no condition {duty.feeds_condition!r}",
                )
        unique(self.township_duties, "township_duties")
        unique(self.report_fields, "report_fields")
        for i, city in enumerate(self.city_levels):
            if city.as_level and city.as_level not in by_code:
                raise KeyProblem(f"city_levels[{i}].as_level", f"names no level {city.as_level!r}")
        unique(self.city_levels, "city_levels")
        return self


def to_policy(book: MeasuresBook) -> s.Policy:
    head = book.policy
    evaluation = book.evaluation
    return s.Policy(
        id=head.id,
        issuer=head.issuer,
        title=head.title,
        short_title=head.short_title or f"《{head.title}》",
        document_no=head.document_no,
        document_date=head.document_date,
        effective_date=head.effective_date,
        effective_article=head.effective_article,
        designation_levels=head.designation_levels,
        designation_article=head.designation_article,
        village_article=head.village_article,
        decided_by=head.decided_by,
        office=head.office,
        categories=tuple(_as(s.Category, c) for c in book.categories),
        levels=tuple(
            _as(
                s.Level,
                lv,
                extension_window_days=lv.extension_window_days or 0,
                extension_window_note=lv.extension_window_note or "",
                continue_window_days=lv.continue_window_days or 0,
                continue_window_note=lv.continue_window_note or "",
            )
            for lv in book.levels
        ),
        lowering_new_period=book.lowering.new_period,
        lowering_article=book.lowering.article,
        rules={k: v for k, v in book.rules.model_dump(exclude={"notes"}).items() if v},
        conditions=tuple(_as(s.Condition, c) for c in book.conditions),
        application_kinds=tuple(_as(s.ApplicationKind, a) for a in book.application_kinds),
        evaluation=_as(
            s.EvaluationRules,
            evaluation,
            methods=tuple(_as(s.Choice, m) for m in evaluation.methods),
            grades=tuple(_as(s.Grade, g) for g in evaluation.grades),
            recommendations=tuple(s.Choice(r.code, r.name) for r in evaluation.recommendations),
            items=tuple(_as(s.EvaluationItem, i) for i in evaluation.items),
        ),
        listing_obligations=tuple(_as(s.ListingObligation, o) for o in book.listing_obligations),
        consequences=tuple(_as(s.Consequence, c) for c in book.consequences),
        responsibilities=_as(s.Responsibilities, book.responsibilities),
        assistance_roles=tuple(_as(s.Choice, a) for a in book.assistance_roles),
        township_duties=tuple(_as(s.TownshipDuty, d) for d in book.township_duties),
        supervision=_as(s.SupervisionRules, book.supervision),
        recurring_obligations=tuple(
            _as(s.RecurringObligation, r) for r in book.recurring_obligations
        ),
        report_fields=tuple(_as(s.ReportField, f) for f in book.report_fields),
        campaigns=tuple(
            _as(s.CampaignSpec, c, phases=tuple(_as(s.PhaseSpec, p) for p in c.phases))
            for c in book.campaigns
        ),
        city_levels=tuple(_as(s.CityLevel, c) for c in book.city_levels),
        articles={n: s.Article(n, a.chapter, a.text) for n, a in book.articles.items()},
        source=book.source,
    )
