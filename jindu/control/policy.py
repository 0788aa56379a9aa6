"""The control rule book (policies/control/control-law.toml) as typed, frozen data.

《禁毒法》, 《戒毒条例》 and the Plan's five targets: every number the control rules use, with
the article it comes from. ``load_control_policy`` refuses a file that does not validate and
names the file, the key and the problem (the same ``PolicyError`` as the Measures' loader).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from jindu.policy.book import (
    ALWAYS,
    Cite,
    Dated,
    KeyProblem,
    OptCite,
    PolicyId,
    Table,
    Text,
    all_change_dates,
    change_dates,
    epoch_of,
    parse_book,
    unique,
)
from jindu.policy.book import Code as CodeStr
from jindu.policy.loader import PolicyError, read_toml

ORDER_KINDS = ("community_detox", "community_rehab", "compulsory_isolation")
COMMUNITY_KINDS = ("community_detox", "community_rehab")
TERM_STARTS = ("report", "decision")
TARGET_CODES = (
    "medium_high_risk_control_rate",
    "community_execution_rate",
    "compulsory_isolation_execution_rate",
    "sick_disabled_admission_rate",
    "not_executed_control_rate",
)
ESCALATION_GROUNDS = (
    "refused_community",
    "drug_use_during",
    "serious_breach",
    "relapse_after_measures",
)
# Code lists the software relies on, each declared once: as the model's choices (the codes;
# their Chinese label is the translation of the choice's label), and named here by the rule
# book's [codes] table that must list exactly those codes with the same names (checked at
# load, and the names at start-up: control.checks.code_labels_match, control.E003).
CODE_CHOICES: dict[str, str] = {
    "gender": "Gender",
    "status": "PersonStatus",
    "risk_level": "RiskLevel",
    "responsible_role": "ResponsibleRole",
    "not_executed_reason": "NotExecutedReason",
    "order_end_kind": "EndKind",
    "test_kind": "TestKind",
    "test_result": "TestResult",
}


def code_choices(name: str):
    """The model's choices (``TextChoices``) that declare the code list ``name``."""
    from . import models

    return getattr(models, CODE_CHOICES[name])


def fixed_codes() -> dict[str, tuple[str, ...]]:
    """The codes of every fixed list, read from the choices that declare them."""
    return {name: tuple(code_choices(name).values) for name in CODE_CHOICES}


# Code lists a county may extend: a file must list at least these.
OPEN_CODES: dict[str, tuple[str, ...]] = {
    "drug_types": (
        "heroin",
        "methamphetamine",
        "ketamine",
        "magu",
        "happy_water",
        "mdma",
        "cannabis",
        "nps",
        "other",
    ),
}


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
class OrderKind:
    code: str
    name: str
    term_months: int
    max_term_months: int
    term_starts: str  # "report" | "decision"
    term_article: str
    report_days: int = 0
    report_article: str = ""
    agreement_article: str = ""
    working_group_article: str = ""
    expiry_notice_days: int = 0
    expiry_article: str = ""
    minimum_tests: int = 0
    early_release_after_months: int = 0
    max_extension_months: int = 0
    extension_article: str = ""
    exemption_article: str = ""

    @property
    def is_community(self) -> bool:
        return self.term_starts == "report"


@dataclass(frozen=True)
class ScheduleStep:
    order_kind: str
    year: int
    interval_months: int


@dataclass(frozen=True)
class Breach:
    refused_or_evaded_tests: int
    unapproved_absences: int
    days_away_over: int
    article: str
    report_article: str
    counts_missed_tests: bool


@dataclass(frozen=True)
class Ground:
    code: str
    name: str
    clause: str


@dataclass(frozen=True)
class Escalation:
    to_kind: str
    article: str
    grounds: tuple[Ground, ...]

    def ground(self, code: str) -> Ground:
        return next(g for g in self.grounds if g.code == code)


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    target: float  # a percentage
    article: str
    definition: str


@dataclass(frozen=True)
class ControlPolicy:
    id: str
    title: str
    laws: tuple[str, ...]
    effective_date: datetime.date
    term_includes_start_day: bool
    counting_article: str
    order_kinds: dict[str, OrderKind]
    suspension_article: str
    suspension_extends_term: bool
    transfer_report_days: int
    transfer_article: str
    leave_min_days: int
    leave_article: str
    breach: Breach
    escalation: Escalation
    exemption_article: str
    nursing_infant_months: int
    may_waive_under_age: int
    clean_months: int
    abstinence_article: str
    test_schedule: tuple[ScheduleStep, ...]
    codes: dict[str, tuple[Code, ...]]
    articles: dict[str, Article] = field(repr=False)
    source: str = ""
    # The date from which these values hold (the book's last change of a dated value on or
    # before the day asked for; None: they have always held).
    as_of: datetime.date | None = None
    # The Plan's five targets: the county's, read from the county plan rule book
    # (jindu.policy.plan) and attached by control_policy(); not part of this law's file.
    targets: tuple[Target, ...] = ()

    def order_kind(self, code: str) -> OrderKind:
        try:
            return self.order_kinds[code]
        except KeyError:
            raise ValueError(f"unknown order kind {code!r}") from None

    def schedule_for(self, order_kind: str) -> tuple[ScheduleStep, ...]:
        return tuple(
            sorted(
                (s for s in self.test_schedule if s.order_kind == order_kind),
                key=lambda s: s.year,
            )
        )

    def code_list(self, name: str) -> tuple[Code, ...]:
        return self.codes[name]

    def code_values(self, name: str) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes[name])

    def code_name(self, name: str, code: str) -> str:
        for c in self.codes.get(name, ()):
            if c.code == code:
                return c.name
        return code

    def target(self, code: str) -> Target:
        return next(t for t in self.targets if t.code == code)


# ---------------------------------------------------------------- the schema of the file
#
# The file as pydantic tables (jindu.policy.book): typed, unknown keys refused, numbers that
# can change written as dated values (``Dated``). ``ControlBook.on(day)`` gives the plain
# ``ControlPolicy`` in force on that day, which is what the rules read.


class _Head(Table):
    id: PolicyId
    title: Text
    laws: tuple[Text, ...] = ()
    effective_date: datetime.date


class _Counting(Table):
    term_includes_start_day: bool
    term_article: Cite


class _OrderKind(Table):
    code: Literal["community_detox", "community_rehab", "compulsory_isolation"]
    name: Text
    term_months: Dated[Annotated[int, Field(ge=1)]]
    max_term_months: Dated[Annotated[int, Field(ge=1)]]
    term_starts: Literal["report", "decision"]
    term_article: Cite
    report_days: Dated[Annotated[int, Field(ge=0)]] = 0
    report_article: OptCite = ""
    agreement_article: OptCite = ""
    working_group_article: OptCite = ""
    expiry_notice_days: Dated[Annotated[int, Field(ge=0)]] = 0
    expiry_article: OptCite = ""
    minimum_tests: Dated[Annotated[int, Field(ge=0)]] = 0
    early_release_after_months: Dated[Annotated[int, Field(ge=0)]] = 0
    max_extension_months: Dated[Annotated[int, Field(ge=0)]] = 0
    extension_article: OptCite = ""
    exemption_article: OptCite = ""

    @model_validator(mode="after")
    def _consistent(self):
        community = self.code in COMMUNITY_KINDS
        if community != (self.term_starts == "report"):
            raise KeyProblem(
                "term_starts",
                "community orders count from the report, compulsory isolation from the decision",
            )
        for day in change_dates(self.term_months, self.max_term_months):
            if self.term_months.value_on(day) > self.max_term_months.value_on(day):
                raise KeyProblem("term_months", "cannot exceed max_term_months")
        if community:
            if min(self.report_days.all_values()) < 1:
                raise KeyProblem(
                    "report_days", "a community order needs a reporting deadline ≥ 1 day"
                )
            if not self.report_article:
                raise KeyProblem("report_article", "is required for a community order")
        return self

    def on(self, day: datetime.date | None) -> OrderKind:
        return OrderKind(
            code=self.code,
            name=self.name,
            term_months=self.term_months.value_on(day),
            max_term_months=self.max_term_months.value_on(day),
            term_starts=self.term_starts,
            term_article=self.term_months.article_on(day, self.term_article),
            report_days=self.report_days.value_on(day),
            report_article=self.report_days.article_on(day, self.report_article),
            agreement_article=self.agreement_article,
            working_group_article=self.working_group_article,
            expiry_notice_days=self.expiry_notice_days.value_on(day),
            expiry_article=self.expiry_notice_days.article_on(day, self.expiry_article),
            minimum_tests=self.minimum_tests.value_on(day),
            early_release_after_months=self.early_release_after_months.value_on(day),
            max_extension_months=self.max_extension_months.value_on(day),
            extension_article=self.max_extension_months.article_on(day, self.extension_article),
            exemption_article=self.exemption_article,
        )


class _Suspension(Table):
    article: Cite
    extends_term: bool


class _Transfer(Table):
    report_days: Dated[Annotated[int, Field(ge=1)]]
    article: Cite


class _Leave(Table):
    min_days_needing_approval: Dated[Annotated[int, Field(ge=1)]]
    article: Cite


class _Breach(Table):
    refused_or_evaded_tests: Dated[Annotated[int, Field(ge=1)]]
    unapproved_absences: Dated[Annotated[int, Field(ge=1)]]
    days_away_over: Dated[Annotated[int, Field(ge=0)]]
    article: Cite
    report_article: Cite
    counts_missed_tests: bool = True

    def on(self, day: datetime.date | None) -> Breach:
        return Breach(
            refused_or_evaded_tests=self.refused_or_evaded_tests.value_on(day),
            unapproved_absences=self.unapproved_absences.value_on(day),
            days_away_over=self.days_away_over.value_on(day),
            article=self.days_away_over.article_on(day, self.article),
            report_article=self.report_article,
            counts_missed_tests=self.counts_missed_tests,
        )


class _Ground(Table):
    code: CodeStr
    name: Text
    clause: str = ""


class _Escalation(Table):
    to_kind: Literal["community_detox", "community_rehab", "compulsory_isolation"]
    article: Cite
    grounds: Annotated[tuple[_Ground, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _grounds(self):
        unique(self.grounds, "grounds")
        given = {g.code for g in self.grounds}
        for code in ESCALATION_GROUNDS:
            if code not in given:
                raise KeyProblem("grounds", f"needs the ground {code!r}")
        return self


class _Exemptions(Table):
    article: Cite
    nursing_infant_months: Dated[Annotated[int, Field(ge=1)]]
    may_waive_under_age: Dated[Annotated[int, Field(ge=1)]]


class _Abstinence(Table):
    clean_months: Dated[Annotated[int, Field(ge=1)]]
    article: Cite


class _Step(Table):
    order_kind: Literal["community_detox", "community_rehab"]
    year: Annotated[int, Field(ge=1)]
    interval_months: Annotated[int, Field(ge=1)]

    @model_validator(mode="after")
    def _divides(self):
        if 12 % self.interval_months:
            raise KeyProblem("interval_months", "must divide the year (1, 2, 3, 4, 6 or 12)")
        return self


class _Code(Table):
    code: CodeStr
    name: Text
    article: OptCite = ""


class _Article(Table):
    law: str = ""
    text: Text


class ControlBook(Table):
    """``policies/control/<id>.toml`` as typed data (see policies/control/README.md)."""

    policy: _Head
    counting: _Counting
    order_kinds: Annotated[tuple[_OrderKind, ...], Field(min_length=1)]
    suspension: _Suspension
    transfer: _Transfer
    leave: _Leave
    breach: _Breach
    escalation: _Escalation
    exemptions: _Exemptions
    abstinence: _Abstinence
    test_schedule: Annotated[tuple[_Step, ...], Field(min_length=1)]
    codes: dict[str, tuple[_Code, ...]]
    articles: Annotated[dict[str, _Article], Field(min_length=1)]
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _not_the_plan(cls, data):
        if isinstance(data, dict) and "targets" in data:
            raise KeyProblem(
                "targets", "belong in the county plan rule book (policies/plan/), not the law"
            )
        return data

    @model_validator(mode="after")
    def _consistent(self):
        unique(self.order_kinds, "order_kinds")
        kinds = {k.code: k for k in self.order_kinds}
        for code in ORDER_KINDS:
            if code not in kinds:
                raise KeyProblem("order_kinds", f"needs an entry for {code!r}")
        self._check_schedule(kinds)
        self._check_codes()
        return self

    def _check_schedule(self, kinds: dict[str, _OrderKind]) -> None:
        seen: set[tuple[str, int]] = set()
        for i, step in enumerate(self.test_schedule):
            if (step.order_kind, step.year) in seen:
                raise KeyProblem(
                    f"test_schedule[{i}].year",
                    f"year {step.year} of {step.order_kind} is listed twice",
                )
            seen.add((step.order_kind, step.year))
        for code in COMMUNITY_KINDS:
            kind = kinds[code]
            mine = {s.year: s for s in self.test_schedule if s.order_kind == code}
            for day in change_dates(kind.term_months, kind.max_term_months, kind.minimum_tests):
                term, longest = kind.term_months.value_on(day), kind.max_term_months.value_on(day)
                for year in range(1, -(-longest // 12) + 1):
                    if year not in mine:
                        raise KeyProblem(
                            "test_schedule", f"has no interval for year {year} of {code}"
                        )
                windows = sum(
                    min(12, term - 12 * (year - 1)) // mine[year].interval_months
                    for year in range(1, -(-term // 12) + 1)
                )
                minimum = kind.minimum_tests.value_on(day)
                if windows < minimum:
                    raise KeyProblem(
                        "test_schedule",
                        f"gives {windows} tests over a {term}-month {code} term, fewer "
                        f"than its minimum_tests {minimum}",
                    )

    def _check_codes(self) -> None:
        fixed = fixed_codes()
        for name in (*fixed, *OPEN_CODES):
            if name not in self.codes:
                raise KeyProblem(f"codes.{name}", "is required")
            codes = self.codes[name]
            if not codes:
                raise KeyProblem(f"codes.{name}", "needs at least 1 entry")
            unique(codes, f"codes.{name}")
            given = {c.code for c in codes}
            if name in fixed and given != set(fixed[name]):
                raise KeyProblem(
                    f"codes.{name}", f"must list exactly the codes {', '.join(fixed[name])}"
                )
            missing = [c for c in OPEN_CODES.get(name, ()) if c not in given]
            if missing:
                raise KeyProblem(
                    f"codes.{name}", f"must list at least the codes {', '.join(missing)}"
                )
        for name in self.codes:
            if name not in fixed and name not in OPEN_CODES:
                known = ", ".join((*fixed, *OPEN_CODES))
                raise KeyProblem(f"codes.{name}", f"unknown code list (known: {known})")

    @property
    def id(self) -> str:
        return self.policy.id

    def on(self, day: datetime.date | None = None) -> ControlPolicy:
        """The rules in force on ``day`` (today if None): every dated value read on that day."""
        return _resolved(self, day or datetime.date.today())


# One resolved policy per book and per period between two changes of a dated value (not per
# day): a list of thousands of orders builds only as many policies as the book has changes.
_RESOLVED: dict[tuple[int, datetime.date], tuple[ControlBook, ControlPolicy]] = {}
_CHANGES: dict[int, tuple[ControlBook, tuple[datetime.date, ...]]] = {}


def _resolved(book: ControlBook, day: datetime.date) -> ControlPolicy:
    if id(book) not in _CHANGES:
        _CHANGES[id(book)] = (book, all_change_dates(book))
    epoch = epoch_of(_CHANGES[id(book)][1], day)
    key = (id(book), epoch)
    if key not in _RESOLVED:
        _RESOLVED[key] = (book, _resolve(book, epoch))
    return _RESOLVED[key][1]


def _resolve(book: ControlBook, day: datetime.date) -> ControlPolicy:
    return ControlPolicy(
        id=book.policy.id,
        title=book.policy.title,
        laws=book.policy.laws,
        effective_date=book.policy.effective_date,
        term_includes_start_day=book.counting.term_includes_start_day,
        counting_article=book.counting.term_article,
        order_kinds={k.code: k.on(day) for k in book.order_kinds},
        suspension_article=book.suspension.article,
        suspension_extends_term=book.suspension.extends_term,
        transfer_report_days=book.transfer.report_days.value_on(day),
        transfer_article=book.transfer.report_days.article_on(day, book.transfer.article),
        leave_min_days=book.leave.min_days_needing_approval.value_on(day),
        leave_article=book.leave.min_days_needing_approval.article_on(day, book.leave.article),
        breach=book.breach.on(day),
        escalation=Escalation(
            to_kind=book.escalation.to_kind,
            article=book.escalation.article,
            grounds=tuple(Ground(g.code, g.name, g.clause) for g in book.escalation.grounds),
        ),
        exemption_article=book.exemptions.article,
        nursing_infant_months=book.exemptions.nursing_infant_months.value_on(day),
        may_waive_under_age=book.exemptions.may_waive_under_age.value_on(day),
        clean_months=book.abstinence.clean_months.value_on(day),
        abstinence_article=book.abstinence.clean_months.article_on(day, book.abstinence.article),
        test_schedule=tuple(
            ScheduleStep(s.order_kind, s.year, s.interval_months) for s in book.test_schedule
        ),
        codes={
            name: tuple(Code(c.code, c.name, c.article) for c in codes)
            for name, codes in book.codes.items()
        },
        articles={n: Article(n, a.law, a.text) for n, a in book.articles.items()},
        source=book.source,
        as_of=None if day == ALWAYS else day,
    )


def parse_control_book(raw: dict, label: str = "<control policy>") -> ControlBook:
    return parse_book(ControlBook, {**raw, "source": label}, label)


def load_control_book(path: str | Path) -> ControlBook:
    path = Path(path)
    return parse_control_book(read_toml(path), str(path))


def parse_control_policy(
    raw: dict, label: str = "<control policy>", on: datetime.date | None = None
) -> ControlPolicy:
    """The file's rules in force on ``on`` (today if None), or ``PolicyError``."""
    return parse_control_book(raw, label).on(on)


def load_control_policy(path: str | Path, on: datetime.date | None = None) -> ControlPolicy:
    return load_control_book(path).on(on)


def plan_targets(plan, day: datetime.date | None = None) -> tuple[Target, ...]:
    """The control targets of the county plan (``[[targets.control]]``) in force on ``day``,
    all five required."""
    label = plan.source or plan.id
    targets = []
    for i, t in enumerate(plan.area_targets("control")):
        if t.code not in TARGET_CODES:
            raise PolicyError(label, f"targets.control[{i}].code", f"unknown target {t.code!r}")
        value = t.value_on(day) if day is not None else None
        targets.append(
            Target(
                t.code,
                t.name,
                t.first_value if value is None else value,
                t.article,
                t.definition,
            )
        )
    for code in TARGET_CODES:
        if code not in {t.code for t in targets}:
            raise PolicyError(label, "targets.control", f"needs the target {code!r}")
    return tuple(sorted(targets, key=lambda t: TARGET_CODES.index(t.code)))


# ---------------------------------------------------------------- which file is in force


def policy_path() -> Path:
    from django.conf import settings

    return Path(
        getattr(
            settings,
            "JINDU_CONTROL_POLICY_FILE",
            Path(settings.BASE_DIR) / "policies" / "control" / "control-law.toml",
        )
    )


@cache
def _load(path: str) -> ControlBook:
    return load_control_book(path)


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def control_book() -> ControlBook:
    """The control rule book in force (``settings.JINDU_CONTROL_POLICY_FILE``), all dates."""
    return _load(str(policy_path()))


def control_policy(on: datetime.date | None = None) -> ControlPolicy:
    """The rules of the control rule book in force (``settings.JINDU_CONTROL_POLICY_FILE``)
    on ``on`` (today if None): each dated value as it stood that day, with the county plan's
    control targets attached (``settings.JINDU_PLAN_FILE``). A new record is decided by
    the rules of its own date (``control_policy(on=decision_date)``)."""
    return _with_plan(control_book(), on or _today())


_WITH_PLAN: dict[tuple[int, tuple[Target, ...]], tuple[ControlPolicy, ControlPolicy]] = {}


def _with_plan(book: ControlBook, day: datetime.date) -> ControlPolicy:
    from jindu.policy.plan import plan_in_force

    policy, targets = book.on(day), plan_targets(plan_in_force(), day)
    key = (id(policy), targets)
    if key not in _WITH_PLAN:
        _WITH_PLAN[key] = (policy, replace(policy, targets=targets))
    return _WITH_PLAN[key][1]


def record_date(record) -> datetime.date | None:
    """The date whose rules decided ``record``: its decision date, else the day it was
    recorded."""
    for name in ("decision_date", "date"):
        value = getattr(record, name, None)
        if isinstance(value, datetime.date):
            return value
    created = getattr(record, "created_at", None)
    return created.date() if created else None


def policy_for(record) -> ControlPolicy:
    """The rules that decided ``record``: the rule book it names (its ``policy_id``) read on
    its own date, so neither a revised book (a new file with a new id) nor a later dated
    value changes an existing record. A record whose book is no longer on disk, or that names
    none, is read in the book in force."""
    policy_id = getattr(record, "policy_id", "") or ""
    day = record_date(record) or _today()
    current = control_book()
    if not policy_id or policy_id == current.id:
        return _with_plan(current, day)
    book = _books().get(policy_id, current)
    return _with_plan(book, day)


@cache
def _books_cached(directories: tuple[str, ...], in_force: str) -> dict[str, ControlBook]:
    books: dict[str, ControlBook] = {}
    for directory in directories:
        for path in sorted(Path(directory).glob("*.toml")):
            book = _load(str(path))
            books.setdefault(book.id, book)
    current = _load(in_force)
    books[current.id] = current
    return books


def _books() -> dict[str, ControlBook]:
    """Every control rule book known, by id: those in policies/control/ and beside the one in
    force (a revised book is added as a new file with a new id; the old one stays)."""
    from django.conf import settings

    path = policy_path()
    default = Path(settings.BASE_DIR) / "policies" / "control"
    directories = tuple(dict.fromkeys([str(default), str(path.parent)]))
    return _books_cached(directories, str(path))


def reset_cache() -> None:
    from jindu.policy import plan

    _load.cache_clear()
    _WITH_PLAN.clear()
    _RESOLVED.clear()
    _CHANGES.clear()
    _books_cached.cache_clear()
    plan.reset_cache()
