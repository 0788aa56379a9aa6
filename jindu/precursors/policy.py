"""The precursor rule books as typed, frozen data.

Two files, kept apart because they have different issuers (national law vs the county's own
choices): ``policies/precursors/precursors-law.toml`` (易制毒条例, 87号令, 法释〔2016〕8号, the
catalogue) and ``policies/precursors/hengyang-precursors.toml`` (windows, factors, limits,
checklist, indicators). ``load_*`` refuse a file that does not validate and name the file,
the key and the problem (``PolicyError``, as the other rule books).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from jindu.policy.book import (
    Cite,
    KeyProblem,
    PolicyError,
    PolicyId,
    Positive,
    Table,
    Text,
    as_dataclass,
    one_of,
    parse_book,
    read_toml,
    unique,
)
from jindu.policy.book import Code as CodeStr

from . import codes

# The code lists are codes.py's choices (declared once); the schema below checks the rule
# books against them.
CATEGORIES = tuple(codes.Category.values)
PRECURSOR_CATEGORIES = tuple(
    c.value for c in (codes.Category.CAT_1, codes.Category.CAT_2, codes.Category.CAT_3)
)
UNITS = tuple(codes.Unit.values)
MOVEMENTS = tuple(codes.Movement.values)
PAYMENTS = tuple(codes.Payment.values)
LICENCE_KINDS = tuple(codes.LicenceKind.values)
SECTORS = tuple(codes.Sector.values)
DEPARTMENTS = tuple(codes.Department.values)
ACTIVITIES = tuple(codes.Activity.values)
INDICATORS = (
    "enterprises_inspected",
    "ledgers_reconciled",
    "licences_valid",
    "flags_closed_in_time",
)
CODE = re.compile(r"[a-z0-9][a-z0-9_]*")
CAS = re.compile(r"\d{2,7}-\d{2}-\d")


@dataclass(frozen=True)
class Article:
    number: str
    law: str
    text: str


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    category: str
    unit: str
    listed_date: datetime.date
    source: str
    cas: str = ""
    drug_class: bool = False
    verified: bool = True
    band_lower: Decimal | None = None
    band_upper: Decimal | None = None
    band_item: str = ""
    note: str = ""


@dataclass(frozen=True)
class Papers:
    category: str
    kinds: tuple[str, ...]
    article: str


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    sectors: tuple[str, ...]
    article: str


@dataclass(frozen=True)
class NationalPolicy:
    id: str
    title: str
    effective_date: datetime.date
    inbound: tuple[str, ...]
    outbound: tuple[str, ...]
    neutral: tuple[str, ...]
    movements_article: str
    forbidden_payments: tuple[str, ...]
    payment_basis: tuple[str, ...]
    sales_filing: dict[str, tuple[int, str]]  # category → (days, article)
    purchase_papers: dict[str, Papers]
    transport_papers: dict[str, Papers]
    operation_filing_years: int
    renew_months_before: int
    renewable_kinds: tuple[str, ...]
    filing_article: str
    annual_report_month: int
    annual_report_day: int
    annual_report_article: str
    max_packs_per_sale: int
    prescription_exempt: bool
    ephedrine_article: str
    serious_factor: int
    bands_article: str
    bands_serious_article: str
    departments: dict[str, Department]
    catalogue: tuple[CatalogueEntry, ...]
    articles: dict[str, Article]
    source: str

    def sectors_of(self, department: str) -> tuple[str, ...]:
        found = self.departments.get(department)
        return found.sectors if found else ()


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    needs_deadline: bool = False
    sectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    target: float
    article: str
    definition: str


@dataclass(frozen=True)
class CountyPolicy:
    id: str
    title: str
    national: str
    effective_date: datetime.date
    window_days: int
    matching_article: str
    tolerance: Decimal
    reconciliation_article: str
    unusual_factor: Decimal
    history_months: int
    min_months: int
    unusual_article: str
    max_purchases_per_month: int
    repeat_article: str
    close_within_days: int
    flags_article: str
    licence_requirements: dict[str, tuple[str, ...]]  # activity → kinds, any of which suffices
    licence_article: str
    checklist: tuple[Code, ...]
    outcomes: tuple[Code, ...]
    flag_outcomes: tuple[Code, ...]
    indicators: tuple[Indicator, ...]
    articles: dict[str, Article]
    source: str

    def outcome(self, code: str) -> Code | None:
        return next((o for o in self.outcomes if o.code == code), None)

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)


# ---------------------------------------------------------------- the schema of the files
# (jindu.policy.book: typed, unknown keys refused, file: key: problem errors)

NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _chemical_code(value: str) -> str:
    if not CODE.fullmatch(value):
        raise ValueError(f"must be lower-case letters, digits and underscores, not {value!r}")
    return value


def _cas(value: str) -> str:
    if value and not CAS.fullmatch(value):
        raise ValueError(f"{value!r} is not a CAS number (digits-digits-digit)")
    return value


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


Movements = Annotated[tuple[Text, ...], one_of(MOVEMENTS)]
LicenceKinds = Annotated[tuple[Text, ...], one_of(LICENCE_KINDS)]
Sectors = Annotated[tuple[Text, ...], one_of(SECTORS)]
Category = Literal["1", "2", "3"]


class _Head(Table):
    id: PolicyId
    title: Text
    laws: tuple[Text, ...] = ()
    effective_date: datetime.date


class _CountyHead(_Head):
    national: Text


class _Article(Table):
    law: str = ""
    text: Text


class _Movements(Table):
    inbound: Movements
    outbound: Movements
    neutral: Movements
    count: Literal[MOVEMENTS]
    article: Cite

    @model_validator(mode="after")
    def _partition(self):
        if self.count != "stock_count":
            raise KeyProblem("count", "must be stock_count")
        listed = [*self.inbound, *self.outbound, *self.neutral, "stock_count"]
        if sorted(listed) != sorted(MOVEMENTS):
            raise KeyProblem(
                "inbound", f"every movement must be in exactly one list: {', '.join(MOVEMENTS)}"
            )
        return self


class _Payment(Table):
    forbidden: Annotated[tuple[Text, ...], one_of(PAYMENTS)]
    article: Cite
    article_2: Cite


class _Filing(Table):
    category: Category
    days: Positive
    article: Cite


class _Papers(Table):
    category: Category
    kinds: LicenceKinds
    article: Cite


class _Validity(Table):
    operation_filing_years: Positive
    renew_months_before: Positive
    renewable_kinds: LicenceKinds
    article: Cite


class _Annual(Table):
    month: Positive
    day: Positive
    article: Cite

    @model_validator(mode="after")
    def _day(self):
        try:
            datetime.date(2001, self.month, self.day)
        except ValueError:
            raise KeyProblem("day", f"{self.month}-{self.day} is not a day of the year") from None
        return self


class _Ephedrine(Table):
    max_packs_per_sale: Positive
    prescription_exempt: bool
    article: Cite


class _Bands(Table):
    serious_factor: Annotated[int, Field(ge=2)]
    article: Cite
    article_serious: Cite


class _Department(Table):
    code: Literal[DEPARTMENTS]
    name: Text
    sectors: Sectors
    article: Cite


class _Chemical(Table):
    code: Annotated[Text, AfterValidator(_chemical_code)]
    name: Text
    category: Literal[CATEGORIES]
    unit: Literal[UNITS]
    listed_date: datetime.date
    source: Text
    cas: Annotated[str, AfterValidator(_cas)] = ""
    drug_class: bool = False
    verified: bool = True
    band_lower: NonNegative | None = None
    band_upper: NonNegative | None = None
    band_item: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _band(self):
        if (self.band_lower is None) != (self.band_upper is None):
            raise KeyProblem("band_upper", "give both band_lower and band_upper, or neither")
        if self.band_lower is not None and self.band_lower >= self.band_upper:
            raise KeyProblem("band_upper", "must be above band_lower")
        if self.drug_class and self.category != "1":
            raise KeyProblem("drug_class", "only 第一类 has 药品类 substances")
        return self


def _by_category(items, key: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.category in seen:
            raise KeyProblem(f"{key}[{i}].category", f"category {item.category} is listed twice")
        seen.add(item.category)
    for category in PRECURSOR_CATEGORIES:
        if category not in seen:
            raise KeyProblem(key, f"needs an entry for category {category}")


class NationalBook(Table):
    """``policies/precursors/<law>.toml``: the national rules and the catalogue."""

    articles: Annotated[dict[str, _Article], Field(min_length=1)]
    policy: _Head
    movements: _Movements
    payment: _Payment
    sales_filing: Annotated[tuple[_Filing, ...], Field(min_length=1)]
    purchase_papers: Annotated[tuple[_Papers, ...], Field(min_length=1)]
    transport_papers: Annotated[tuple[_Papers, ...], Field(min_length=1)]
    filing_validity: _Validity
    annual_report: _Annual
    ephedrine: _Ephedrine
    bands: _Bands
    departments: Annotated[tuple[_Department, ...], Field(min_length=1)]
    chemicals: Annotated[tuple[_Chemical, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self):
        _by_category(self.sales_filing, "sales_filing")
        _by_category(self.purchase_papers, "purchase_papers")
        _by_category(self.transport_papers, "transport_papers")
        unique(self.departments, "departments")
        if "public_security" not in {d.code for d in self.departments}:
            raise KeyProblem(
                "departments", "needs public_security (the police see every enterprise)"
            )
        unique(self.chemicals, "chemicals")
        return self


class _Matching(Table):
    window_days: Positive
    article: Cite


class _Reconciliation(Table):
    tolerance: NonNegative
    article: Cite


class _Unusual(Table):
    factor: Annotated[float, Field(ge=1, allow_inf_nan=False)]
    history_months: Positive
    min_months: Positive
    article: Cite

    @model_validator(mode="after")
    def _above_one(self):
        if self.factor <= 1:
            raise KeyProblem(
                "factor", "must be above 1 (a month equal to the average is not unusual)"
            )
        return self


class _Repeat(Table):
    max_purchases_per_month: Positive
    article: Cite


class _Flags(Table):
    close_within_days: Positive
    article: Cite


class _Rule(Table):
    activity: Literal[ACTIVITIES]
    kinds: LicenceKinds


class _Requirements(Table):
    article: Cite
    rules: Annotated[tuple[_Rule, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _once(self):
        seen: set[str] = set()
        for i, rule in enumerate(self.rules):
            if rule.activity in seen:
                raise KeyProblem(f"rules[{i}].activity", f"{rule.activity!r} is listed twice")
            seen.add(rule.activity)
        return self


class _CheckItem(Table):
    code: CodeStr
    name: Text
    sectors: Sectors


class _Outcome(Table):
    code: CodeStr
    name: Text
    needs_deadline: bool = False


class _Indicator(Table):
    code: Literal[INDICATORS]
    name: Text
    target: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    article: Cite
    definition: Text


class CountyBook(Table):
    """``policies/precursors/<county>.toml``: the county's choices."""

    articles: Annotated[dict[str, _Article], Field(min_length=1)]
    policy: _CountyHead
    matching: _Matching
    reconciliation: _Reconciliation
    unusual_purchase: _Unusual
    ephedrine_repeat: _Repeat
    flags: _Flags
    licence_requirements: _Requirements
    checklist: Annotated[tuple[_CheckItem, ...], Field(min_length=1)]
    outcomes: Annotated[tuple[_Outcome, ...], Field(min_length=1)]
    flag_outcomes: Annotated[tuple[_Outcome, ...], Field(min_length=1)]
    indicators: Annotated[tuple[_Indicator, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self):
        unique(self.indicators, "indicators")
        for code in INDICATORS:
            if code not in {i.code for i in self.indicators}:
                raise KeyProblem("indicators", f"needs the indicator {code!r}")
        unique(self.checklist, "checklist")
        unique(self.outcomes, "outcomes")
        if not any(o.needs_deadline for o in self.outcomes):
            raise KeyProblem("outcomes", "needs an outcome with needs_deadline (责令整改)")
        unique(self.flag_outcomes, "flag_outcomes")
        return self


def _articles(book) -> dict[str, Article]:
    return {n: Article(n, a.law, a.text) for n, a in book.articles.items()}


def parse_national(raw: dict, label: str = "<precursors law>") -> NationalPolicy:
    book = parse_book(NationalBook, raw, label)
    moves, validity, annual = book.movements, book.filing_validity, book.annual_report

    def papers(items) -> dict[str, Papers]:
        return {p.category: Papers(p.category, p.kinds, p.article) for p in items}

    return NationalPolicy(
        id=book.policy.id,
        title=book.policy.title,
        effective_date=book.policy.effective_date,
        inbound=moves.inbound,
        outbound=moves.outbound,
        neutral=moves.neutral,
        movements_article=moves.article,
        forbidden_payments=book.payment.forbidden,
        payment_basis=(book.payment.article, book.payment.article_2),
        sales_filing={f.category: (f.days, f.article) for f in book.sales_filing},
        purchase_papers=papers(book.purchase_papers),
        transport_papers=papers(book.transport_papers),
        operation_filing_years=validity.operation_filing_years,
        renew_months_before=validity.renew_months_before,
        renewable_kinds=validity.renewable_kinds,
        filing_article=validity.article,
        annual_report_month=annual.month,
        annual_report_day=annual.day,
        annual_report_article=annual.article,
        max_packs_per_sale=book.ephedrine.max_packs_per_sale,
        prescription_exempt=book.ephedrine.prescription_exempt,
        ephedrine_article=book.ephedrine.article,
        serious_factor=book.bands.serious_factor,
        bands_article=book.bands.article,
        bands_serious_article=book.bands.article_serious,
        departments={d.code: as_dataclass(Department, d) for d in book.departments},
        catalogue=tuple(
            as_dataclass(
                CatalogueEntry,
                c,
                band_lower=_decimal(c.band_lower),
                band_upper=_decimal(c.band_upper),
            )
            for c in book.chemicals
        ),
        articles=_articles(book),
        source=label,
    )


def parse_county(raw: dict, label: str = "<county precursors>") -> CountyPolicy:
    book = parse_book(CountyBook, raw, label)
    unusual = book.unusual_purchase
    return CountyPolicy(
        id=book.policy.id,
        title=book.policy.title,
        national=book.policy.national,
        effective_date=book.policy.effective_date,
        window_days=book.matching.window_days,
        matching_article=book.matching.article,
        tolerance=Decimal(str(book.reconciliation.tolerance)),
        reconciliation_article=book.reconciliation.article,
        unusual_factor=Decimal(str(unusual.factor)),
        history_months=unusual.history_months,
        min_months=unusual.min_months,
        unusual_article=unusual.article,
        max_purchases_per_month=book.ephedrine_repeat.max_purchases_per_month,
        repeat_article=book.ephedrine_repeat.article,
        close_within_days=book.flags.close_within_days,
        flags_article=book.flags.article,
        licence_requirements={r.activity: r.kinds for r in book.licence_requirements.rules},
        licence_article=book.licence_requirements.article,
        checklist=tuple(Code(c.code, c.name, False, c.sectors) for c in book.checklist),
        outcomes=tuple(Code(o.code, o.name, o.needs_deadline) for o in book.outcomes),
        flag_outcomes=tuple(Code(o.code, o.name, o.needs_deadline) for o in book.flag_outcomes),
        indicators=tuple(
            sorted(
                (as_dataclass(Indicator, i) for i in book.indicators),
                key=lambda i: INDICATORS.index(i.code),
            )
        ),
        articles=_articles(book),
        source=label,
    )


def load_national(path: str | Path) -> NationalPolicy:
    return parse_national(read_toml(path), str(path))


def load_county(path: str | Path) -> CountyPolicy:
    return parse_county(read_toml(path), str(path))


# ---------------------------------------------------------------- which files are in force


def _paths() -> tuple[Path, Path]:
    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "policies" / "precursors"
    return (
        Path(getattr(settings, "JINDU_PRECURSORS_LAW_FILE", folder / "precursors-law.toml")),
        Path(
            getattr(settings, "JINDU_PRECURSORS_COUNTY_FILE", folder / "hengyang-precursors.toml")
        ),
    )


@cache
def _national(path: str) -> NationalPolicy:
    return load_national(path)


@cache
def _county(path: str) -> CountyPolicy:
    return load_county(path)


def national_policy() -> NationalPolicy:
    return _national(str(_paths()[0]))


def county_policy() -> CountyPolicy:
    county = _county(str(_paths()[1]))
    national = national_policy()
    if county.national != national.id:
        raise PolicyError(
            county.source,
            "policy.national",
            f"names {county.national!r}, but the national rule book in force is {national.id!r}",
        )
    return county


def reset_cache() -> None:
    _national.cache_clear()
    _county.cache_clear()
