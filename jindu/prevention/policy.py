"""The prevention rule book (policies/prevention/*.toml) as typed, frozen data.

Activity kinds and the six settings of 六进, key dates with their windows and who must act,
fixture kinds and renewal cycles, the class-hour rule, the survey, and the three targets of
方案一（四） (their definitions are the county's own). ``load_prevention_policy`` refuses a file
that does not validate and names the file, the key and the problem.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from jindu.policy.book import (
    Cite,
    KeyProblem,
    OptCite,
    PolicyId,
    Positive,
    Table,
    Text,
    Whole,
    as_dataclass,
    one_of,
    parse_book,
    read_toml,
    unique,
)
from jindu.policy.book import Code as CodeStr

from .models import Stage

# Codes the REST API and the pages rely on (a county may add more kinds, not drop these).
REQUIRED_KINDS = (
    "media",
    "exhibition",
    "lecture",
    "six_into",
    "little_hands",
    "family",
    "volunteer",
    "culture_sports",
    "key_date",
)
SETTINGS = ("community", "school", "village", "workplace", "family", "venue")
STAGES = tuple(Stage.values)  # declared once, as the model's choices
TARGET_CODES = ("publicity_coverage", "grassroots_mobilisation", "tip_participation")
QUESTION_KINDS = ("satisfaction", "awareness")
WHO = ("township", "village")
MONTH_DAY = re.compile(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


@dataclass(frozen=True)
class Article:
    number: str
    law: str
    text: str


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    article: str = ""


@dataclass(frozen=True)
class ActivityKind:
    code: str
    name: str
    article: str
    needs_setting: bool = False
    needs_group: bool = False


@dataclass(frozen=True)
class KeyDate:
    code: str
    name: str
    month: int
    day: int
    days_before: int
    days_after: int

    def on(self, year: int) -> datetime.date:
        return datetime.date(year, self.month, self.day)

    def window(self, year: int) -> tuple[datetime.date, datetime.date]:
        day = self.on(year)
        return (
            day - datetime.timedelta(days=self.days_before),
            day + datetime.timedelta(days=self.days_after),
        )


@dataclass(frozen=True)
class KeyDates:
    article: str
    who: tuple[str, ...]
    member_units: tuple[str, ...]
    dates: tuple[KeyDate, ...]


@dataclass(frozen=True)
class FixtureKind:
    code: str
    name: str
    article: str
    renew_months: int
    every_village: bool


@dataclass(frozen=True)
class ClassHours:
    article: str
    first_grade: int
    last_grade: int
    min_hours: int
    max_hours_per_day: float
    school_year_start: tuple[int, int]
    school_year_end: tuple[int, int]
    supervisor: str
    stages: tuple[str, ...]


@dataclass(frozen=True)
class SchoolRecordKind:
    code: str
    name: str
    article: str
    statuses: tuple[str, ...] = ()
    # Whether the school's own account (学校账号) may record it; the rest are the 教育局's.
    by_school: bool = False


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: str
    scale: tuple[str, ...]
    satisfied_from: int = 0
    aware_values: tuple[int, ...] = ()


@dataclass(frozen=True)
class SurveyRules:
    article: str
    evaluation_item: str
    evaluation_article: str
    min_sample_per_township: int
    repeat_seconds: int
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    target: float | None  # a percentage; None where the Plan asks only for "rising"
    article: str
    definition: str
    county_definition: bool
    min_activities: int = 0
    fixture_kind: str = ""
    per_residents: int = 0


@dataclass(frozen=True)
class PreventionPolicy:
    id: str
    title: str
    effective_date: datetime.date
    activity_kinds: dict[str, ActivityKind]
    settings: tuple[Code, ...]
    high_risk_groups: tuple[Code, ...]
    # Groups met at a venue of the enforcement area's register (娱乐场所从业人员): their
    # sessions, and 六进 activities in the setting "venue", name the venue.
    venue_groups: tuple[str, ...]
    max_photo_bytes: int
    max_photos: int
    key_dates: KeyDates
    fixture_kinds: dict[str, FixtureKind]
    class_hours: ClassHours
    school_record_kinds: dict[str, SchoolRecordKind]
    qingjiao_min_registration: float
    qingjiao_article: str
    survey: SurveyRules
    targets: dict[str, Target]
    articles: dict[str, Article] = field(repr=False)
    source: str = ""

    def kind_name(self, code: str) -> str:
        kind = self.activity_kinds.get(code)
        return kind.name if kind else code

    def setting_name(self, code: str) -> str:
        return next((s.name for s in self.settings if s.code == code), code)

    def at_venue(self, *, setting: str = "", group: str = "") -> bool:
        """Whether an activity is held at a registered venue (and so may name it)."""
        return setting == "venue" or (bool(group) and group in self.venue_groups)

    def group_name(self, code: str) -> str:
        return next((g.name for g in self.high_risk_groups if g.code == code), code)

    def key_date(self, code: str) -> KeyDate:
        return next(k for k in self.key_dates.dates if k.code == code)

    def question(self, code: str) -> Question:
        return next(q for q in self.survey.questions if q.code == code)


# ---------------------------------------------------------------- the schema of the file
# (jindu.policy.book: typed, unknown keys refused, file: key: problem errors)


def _month_day(value: str) -> str:
    if not MONTH_DAY.fullmatch(value):
        raise ValueError("must be MM-DD")
    try:
        datetime.date(2019, int(value[:2]), int(value[3:]))
    except ValueError:
        raise ValueError(f"{value} is not a day of the year") from None
    return value


MonthDay = Annotated[str, AfterValidator(_month_day)]
Percentage = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _split(value: str) -> tuple[int, int]:
    return int(value[:2]), int(value[3:])


class _Head(Table):
    id: PolicyId
    title: Text
    issuer: str = ""
    effective_date: datetime.date


class _Article(Table):
    law: str = ""
    text: Text


class _ActivityKind(Table):
    code: CodeStr
    name: Text
    article: Cite
    needs_setting: bool = False
    needs_group: bool = False


class _Code(Table):
    code: CodeStr
    name: Text


class _Group(_Code):
    # A group met at a venue of the enforcement area's register (娱乐场所从业人员).
    at_venue: bool = False


class _Attachments(Table):
    max_photo_bytes: Positive
    max_photos: Positive
    note: str = ""


class _KeyDate(Table):
    code: CodeStr
    name: Text
    month_day: MonthDay
    days_before: Whole
    days_after: Whole


class _KeyDates(Table):
    article: Cite
    who: Annotated[tuple[Text, ...], one_of(WHO)]
    member_units: tuple[Text, ...] = ()
    dates: Annotated[tuple[_KeyDate, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique(self.dates, "dates")
        return self


class _FixtureKind(Table):
    code: CodeStr
    name: Text
    article: Cite
    renew_months: Positive
    every_village: bool = False


class _ClassHours(Table):
    article: Cite
    first_grade: Positive
    last_grade: Positive
    min_hours: Positive
    max_hours_per_day: Annotated[float, Field(ge=0.5, allow_inf_nan=False)]
    school_year_start: MonthDay
    school_year_end: MonthDay
    supervisor: Text
    stages: Annotated[tuple[Text, ...], one_of(STAGES)]

    @model_validator(mode="after")
    def _grades(self):
        if self.last_grade > 12 or self.first_grade > self.last_grade:
            raise KeyProblem("last_grade", "grades count 1–12 and the first cannot follow the last")
        return self


class _RecordKind(Table):
    code: CodeStr
    name: Text
    article: Cite
    statuses: tuple[Text, ...] = ()
    by_school: bool = False


class _Qingjiao(Table):
    article: Cite
    min_registration_rate: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class _Question(Table):
    code: CodeStr
    text: Text
    kind: Literal["satisfaction", "awareness"]
    scale: Annotated[tuple[Text, ...], Field(min_length=2)]
    satisfied_from: Whole = 0
    aware_values: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _on_the_scale(self):
        n = len(self.scale)
        if self.kind == "satisfaction" and not 1 <= self.satisfied_from <= n:
            raise KeyProblem("satisfied_from", f"must be a value of the scale 1–{n}")
        if self.kind == "awareness" and (
            not self.aware_values or any(not 1 <= v <= n for v in self.aware_values)
        ):
            raise KeyProblem("aware_values", f"must list values of the scale 1–{n}")
        return self


class _Survey(Table):
    article: Cite
    evaluation_item: Text
    evaluation_article: Cite
    min_sample_per_township: Positive
    repeat_seconds: Annotated[int, Field(ge=60)]
    questions: Annotated[tuple[_Question, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _questions(self):
        unique(self.questions, "questions")
        if not any(q.kind == "satisfaction" for q in self.questions):
            raise KeyProblem("questions", "needs at least one satisfaction question")
        return self


class _Target(Table):
    name: Text
    target: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    article: Cite
    letter_article: OptCite = ""
    definition: Text
    county_definition: bool
    min_activities: Whole = 0
    fixture_kind: str = ""
    per_residents: Whole = 0


class _Targets(Table):
    publicity_coverage: _Target
    grassroots_mobilisation: _Target
    tip_participation: _Target

    @model_validator(mode="after")
    def _needed(self):
        if not self.publicity_coverage.fixture_kind:
            raise KeyProblem("publicity_coverage.fixture_kind", "is required")
        if self.tip_participation.per_residents < 1:
            raise KeyProblem("tip_participation.per_residents", "must be ≥ 1")
        return self


class PreventionBook(Table):
    """``policies/prevention/<id>.toml`` as typed data (policies/prevention/README.md)."""

    articles: Annotated[dict[str, _Article], Field(min_length=1)]
    policy: _Head
    activity_kinds: Annotated[tuple[_ActivityKind, ...], Field(min_length=1)]
    settings: Annotated[tuple[_Code, ...], Field(min_length=1)]
    high_risk_groups: Annotated[tuple[_Group, ...], Field(min_length=1)]
    attachments: _Attachments
    key_dates: _KeyDates
    fixture_kinds: Annotated[tuple[_FixtureKind, ...], Field(min_length=1)]
    class_hours: _ClassHours
    school_record_kinds: Annotated[tuple[_RecordKind, ...], Field(min_length=1)]
    qingjiao: _Qingjiao
    survey: _Survey
    targets: _Targets
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self):
        unique(self.activity_kinds, "activity_kinds")
        kinds = {k.code: k for k in self.activity_kinds}
        missing = [c for c in REQUIRED_KINDS if c not in kinds]
        if missing:
            raise KeyProblem("activity_kinds", f"must list at least the codes {', '.join(missing)}")
        if not kinds["six_into"].needs_setting:
            raise KeyProblem("activity_kinds", "six_into must have needs_setting = true")
        codes = [c.code for c in self.settings]
        if set(codes) != set(SETTINGS) or len(codes) != len(SETTINGS):
            raise KeyProblem("settings", f"must list exactly the codes {', '.join(SETTINGS)}")
        unique(self.high_risk_groups, "high_risk_groups")
        seen: set[str] = set()
        for i, fk in enumerate(self.fixture_kinds):
            if fk.code in seen:
                raise KeyProblem(f"fixture_kinds[{i}].code", f"{fk.code!r} is listed twice")
            seen.add(fk.code)
        for code in TARGET_CODES:
            target = getattr(self.targets, code)
            if target.fixture_kind and target.fixture_kind not in seen:
                raise KeyProblem(
                    f"targets.{code}.fixture_kind",
                    f"{target.fixture_kind!r} is not in [[fixture_kinds]]",
                )
        return self


def _to_policy(book: PreventionBook) -> PreventionPolicy:
    kd, ch, sv = book.key_dates, book.class_hours, book.survey
    return PreventionPolicy(
        id=book.policy.id,
        title=book.policy.title,
        effective_date=book.policy.effective_date,
        activity_kinds={k.code: as_dataclass(ActivityKind, k) for k in book.activity_kinds},
        settings=tuple(Code(c.code, c.name) for c in book.settings),
        high_risk_groups=tuple(Code(c.code, c.name) for c in book.high_risk_groups),
        venue_groups=tuple(c.code for c in book.high_risk_groups if c.at_venue),
        max_photo_bytes=book.attachments.max_photo_bytes,
        max_photos=book.attachments.max_photos,
        key_dates=KeyDates(
            kd.article,
            kd.who,
            kd.member_units,
            tuple(
                KeyDate(d.code, d.name, *_split(d.month_day), d.days_before, d.days_after)
                for d in kd.dates
            ),
        ),
        fixture_kinds={f.code: as_dataclass(FixtureKind, f) for f in book.fixture_kinds},
        class_hours=as_dataclass(
            ClassHours,
            ch,
            school_year_start=_split(ch.school_year_start),
            school_year_end=_split(ch.school_year_end),
        ),
        school_record_kinds={
            r.code: as_dataclass(SchoolRecordKind, r) for r in book.school_record_kinds
        },
        qingjiao_min_registration=book.qingjiao.min_registration_rate,
        qingjiao_article=book.qingjiao.article,
        survey=as_dataclass(
            SurveyRules, sv, questions=tuple(as_dataclass(Question, q) for q in sv.questions)
        ),
        targets={
            code: as_dataclass(Target, getattr(book.targets, code), code=code)
            for code in TARGET_CODES
        },
        articles={n: Article(n, a.law, a.text) for n, a in book.articles.items()},
        source=book.source,
    )


def parse_prevention_policy(raw: dict, label: str = "<prevention policy>") -> PreventionPolicy:
    return _to_policy(parse_book(PreventionBook, {**raw, "source": label}, label))


def load_prevention_policy(path: str | Path) -> PreventionPolicy:
    return parse_prevention_policy(read_toml(path), str(path))


# ---------------------------------------------------------------- which file is in force


def policy_path() -> Path:
    from django.conf import settings

    return Path(
        getattr(
            settings,
            "JINDU_PREVENTION_POLICY_FILE",
            Path(settings.BASE_DIR) / "policies" / "prevention" / "hengyang-2018-prevention.toml",
        )
    )


@cache
def _load(path: str) -> PreventionPolicy:
    return load_prevention_policy(path)


def prevention_policy() -> PreventionPolicy:
    """The prevention rule book in force (``settings.JINDU_PREVENTION_POLICY_FILE``)."""
    return _load(str(policy_path()))


def reset_cache() -> None:
    _load.cache_clear()
