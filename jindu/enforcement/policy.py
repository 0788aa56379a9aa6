"""The enforcement rule books as typed, frozen data.

Two files, kept apart as the brief asks: national law (``enforcement-law.toml``: the twelve
罪名 of 刑法第三百四十七至三百五十七条, the dated administrative catalogue, heroin-equivalent
factors, venue kinds and sanctions, the national reward bounds) and the county's own choices
(``hengyang-2018-enforcement.toml``: case flags, the venue checklist and grading, inspection
frequencies, the reward tariff, the targets). ``load_enforcement_policy`` reads both and
refuses anything that does not validate, naming file, key and problem (``PolicyError``).
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from jindu.policy.book import Code as CodeStr
from jindu.policy.book import (
    KeyProblem,
    PolicyError,
    PolicyId,
    Positive,
    Table,
    Text,
    Whole,
    as_dataclass,
    parse_book,
    read_toml,
    unique,
)

from .codes import CaseKind

TARGET_CODES = (
    "outbound_trafficking_reduction",
    "outbound_seizure_reduction",
    "zero_planting",
    "zero_production",
    "tip_participation",
    "tip_case_share",
)
REQUIRED_OFFENCES = (
    "trafficking",
    "illegal_possession",
    "harbouring",
    "precursor_offence",
    "illegal_planting",
    "seedlings",
    "inducing",
    "accommodating",
    "illegal_supply",
)
REQUIRED_FLAGS = ("zero_pack", "gang", "network", "den", "kilogram", "target_case")
REQUIRED_VENUE_KINDS = ("hotel", "ktv", "bar", "internet_cafe", "sauna", "foot_massage", "other")
REQUIRED_SANCTIONS = ("warning", "rectify", "closure_drugs", "revoke", "ban")
INSPECTION_UNITS = ("station", "county")
PERIODS = ("month", "quarter", "year")
DIRECTIONS = ("at_most", "at_least")
TARIFF_UNITS = ("person", "gram", "hundred_plants", "den", "case")
DOWNGRADE_FIELDS = ("users_found", "dealers_found")


@dataclass(frozen=True)
class Offence:
    code: str
    name: str
    article: str
    kind: str  # "criminal" | "administrative"
    counts_in_results: bool = True
    article_verified: bool = True


@dataclass(frozen=True)
class Edition:
    id: str
    law: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    violations: tuple[Offence, ...]
    # Where the edition's articles come from, or why they are not yet verified.
    source: str = ""

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class HeroinFactor:
    drug_type: str
    factor: float
    source: str


@dataclass(frozen=True)
class VenueKind:
    code: str
    name: str
    article: str
    filing_days: int


@dataclass(frozen=True)
class Sanction:
    code: str
    name: str
    article: str
    min_months: int = 0
    max_months: int = 0
    needs_deadline: bool = False

    @property
    def is_closure(self) -> bool:
        return self.max_months > 0


@dataclass(frozen=True)
class Rewards:
    min_yuan: int
    max_yuan: int
    special_max_yuan: int
    notify_working_days: int
    claim_months: int
    article: str


@dataclass(frozen=True)
class Flag:
    code: str
    name: str
    article: str


@dataclass(frozen=True)
class CheckItem:
    code: str
    name: str
    article: str
    points: int


@dataclass(frozen=True)
class Band:
    grade: str
    name: str
    min_score: int


@dataclass(frozen=True)
class Downgrade:
    code: str
    name: str
    field: str
    at_least: int
    grade: str


@dataclass(frozen=True)
class Frequency:
    grade: str
    unit: str
    period: str
    times: int


@dataclass(frozen=True)
class Tariff:
    code: str
    name: str
    per: str
    yuan: int
    base_yuan: int = 0


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    article: str
    target: float
    direction: str
    definition: str
    is_target: bool = True
    own: bool = False


@dataclass(frozen=True)
class EnforcementPolicy:
    id: str  # the county file's id; the national file's is ``law_id``
    title: str
    law_id: str
    law_title: str
    criminal_offences: tuple[Offence, ...]
    editions: tuple[Edition, ...]
    heroin_factors: dict[str, HeroinFactor]
    venue_kinds: tuple[VenueKind, ...]
    sanctions: tuple[Sanction, ...]
    rewards: Rewards
    case_flags: tuple[Flag, ...]
    gang_min_members: int
    gang_article: str
    checklist: tuple[CheckItem, ...]
    grading_article: str
    ungraded: str
    bands: tuple[Band, ...]
    downgrades: tuple[Downgrade, ...]
    frequencies: tuple[Frequency, ...]
    tariff: tuple[Tariff, ...]
    targets: tuple[Target, ...]
    sources: tuple[str, str] = ("", "")

    @property
    def policy_ids(self) -> str:
        """What a record stores as the rule books that decided it."""
        return f"{self.law_id}+{self.id}"

    def edition_on(self, day: datetime.date) -> Edition | None:
        return next((e for e in self.editions if e.covers(day)), None)

    def offences(self, kind: str, day: datetime.date | None = None) -> tuple[Offence, ...]:
        if kind == CaseKind.CRIMINAL:
            return self.criminal_offences
        if day is None:
            seen: dict[str, Offence] = {}
            for edition in self.editions:
                for v in edition.violations:
                    seen[v.code] = v
            return tuple(seen.values())
        edition = self.edition_on(day)
        return edition.violations if edition else ()

    def offence(self, kind: str, code: str, day: datetime.date | None = None) -> Offence | None:
        return next((o for o in self.offences(kind, day) if o.code == code), None)

    def all_offence_codes(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                [o.code for o in self.criminal_offences]
                + [o.code for e in self.editions for o in e.violations]
            )
        )

    def offence_name(self, code: str) -> str:
        for offence in (*self.criminal_offences, *(v for e in self.editions for v in e.violations)):
            if offence.code == code:
                return offence.name
        return code

    def flag_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.case_flags)

    def counted_offence_codes(self) -> list[str]:
        """The offences whose cases count in the results: the criminal ones the rule book
        counts and every administrative one."""
        return [o.code for o in self.criminal_offences if o.counts_in_results] + [
            o.code for o in self.offences("administrative")
        ]

    def flag_name(self, code: str) -> str:
        return next((f.name for f in self.case_flags if f.code == code), code)

    def venue_kind(self, code: str) -> VenueKind | None:
        return next((k for k in self.venue_kinds if k.code == code), None)

    def sanction(self, code: str) -> Sanction | None:
        return next((s for s in self.sanctions if s.code == code), None)

    def check_item_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.checklist)

    def grade_codes(self) -> tuple[str, ...]:
        return tuple(b.grade for b in self.bands)

    def target(self, code: str) -> Target:
        return next(t for t in self.targets if t.code == code)

    def tariff_item(self, code: str) -> Tariff | None:
        return next((t for t in self.tariff if t.code == code), None)


# ---------------------------------------------------------------- the schema of the files
# (jindu.policy.book: typed, unknown keys refused, file: key: problem errors). The national
# law and the county's choices are two books, each validated on its own and then together.


def _criminal_article(value: str) -> str:
    if not value.startswith("刑法第"):
        raise ValueError("must cite 刑法第…条")
    return value


class _LawHead(Table):
    id: PolicyId
    title: Text
    effective_date: datetime.date | None = None


class _CountyHead(_LawHead):
    law_policy: Text


class _Criminal(Table):
    code: CodeStr
    name: Text
    article: Annotated[Text, AfterValidator(_criminal_article)]
    counts_in_results: bool = True


class _Violation(Table):
    code: CodeStr
    name: Text
    article: Text
    article_verified: bool = True


class _Edition(Table):
    id: Text
    law: Text
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    # Where the edition's articles come from, or why they are not yet verified.
    source: str = ""
    violations: Annotated[tuple[_Violation, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _dates(self):
        unique(self.violations, "violations")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise KeyProblem("valid_to", "is before valid_from")
        return self


class _Factor(Table):
    drug_type: CodeStr
    factor: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    source: Text

    @model_validator(mode="after")
    def _plausible(self):
        if self.factor > 100:
            raise KeyProblem("factor", "is not plausible (more than 100 g of heroin per gram)")
        return self


class _VenueKind(Table):
    code: CodeStr
    name: Text
    article: Text
    filing_days: Whole = 0


class _Sanction(Table):
    code: CodeStr
    name: Text
    article: Text
    min_months: Whole = 0
    max_months: Whole = 0
    needs_deadline: bool = False

    @model_validator(mode="after")
    def _months(self):
        if self.min_months > self.max_months:
            raise KeyProblem("min_months", "cannot exceed max_months")
        return self


class _Rewards(Table):
    min_yuan: Positive
    max_yuan: Positive
    special_max_yuan: Positive
    notify_working_days: Positive
    claim_months: Positive
    article: Text

    @model_validator(mode="after")
    def _order(self):
        if not self.min_yuan <= self.max_yuan <= self.special_max_yuan:
            raise KeyProblem("max_yuan", "must lie between min_yuan and special_max_yuan")
        return self


def _required(items, key: str, codes: tuple[str, ...]) -> None:
    missing = [c for c in codes if c not in {i.code for i in items}]
    if missing:
        raise KeyProblem(key, f"must list at least {', '.join(missing)}")


class EnforcementLawBook(Table):
    """``policies/enforcement/<law>.toml``: the national law."""

    policy: _LawHead
    criminal_offences: Annotated[tuple[_Criminal, ...], Field(min_length=1)]
    administrative_editions: Annotated[tuple[_Edition, ...], Field(min_length=1)]
    heroin_factors: Annotated[tuple[_Factor, ...], Field(min_length=1)]
    venue_kinds: Annotated[tuple[_VenueKind, ...], Field(min_length=1)]
    sanctions: Annotated[tuple[_Sanction, ...], Field(min_length=1)]
    rewards: _Rewards

    @model_validator(mode="after")
    def _consistent(self):
        unique(self.criminal_offences, "criminal_offences")
        _required(self.criminal_offences, "criminal_offences", REQUIRED_OFFENCES)
        editions = sorted(self.administrative_editions, key=lambda e: e.valid_from)
        for earlier, later in itertools.pairwise(editions):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise KeyProblem(
                    "administrative_editions",
                    f"{earlier.id!r} must end before {later.id!r} starts (one edition per day)",
                )
        criminal = {c.code for c in self.criminal_offences}
        for e in editions:
            for v in e.violations:
                if v.code in criminal:
                    raise KeyProblem(
                        "administrative_editions", f"{v.code!r} is also a criminal code"
                    )
        seen: set[str] = set()
        for i, f in enumerate(self.heroin_factors):
            if f.drug_type in seen:
                raise KeyProblem(
                    f"heroin_factors[{i}].drug_type", f"{f.drug_type!r} is listed twice"
                )
            seen.add(f.drug_type)
        heroin = next((f for f in self.heroin_factors if f.drug_type == "heroin"), None)
        if heroin is None or heroin.factor != 1.0:
            raise KeyProblem("heroin_factors", "heroin must have factor 1.0")
        unique(self.venue_kinds, "venue_kinds")
        _required(self.venue_kinds, "venue_kinds", REQUIRED_VENUE_KINDS)
        unique(self.sanctions, "sanctions")
        _required(self.sanctions, "sanctions", REQUIRED_SANCTIONS)
        return self


class _Flag(Table):
    code: CodeStr
    name: Text
    article: Text


class _Gangs(Table):
    min_members: Annotated[int, Field(ge=2)]
    article: Text


class _CheckItem(Table):
    code: CodeStr
    name: Text
    article: Text
    points: Positive


class _Band(Table):
    grade: Text
    name: Text
    min_score: Whole


class _Downgrade(Table):
    code: CodeStr
    name: Text
    field: Literal["users_found", "dealers_found"]
    at_least: Positive
    grade: Text


class _Grading(Table):
    article: Text
    ungraded: Text
    bands: Annotated[tuple[_Band, ...], Field(min_length=1)]
    downgrades: tuple[_Downgrade, ...] = ()

    @model_validator(mode="after")
    def _bands(self):
        minima = [b.min_score for b in self.bands]
        if minima != sorted(minima, reverse=True):
            raise KeyProblem("bands", "must be listed from the highest min_score down")
        if minima[-1] != 0:
            raise KeyProblem("bands", "the last band must start at 0, so every score has a grade")
        grades = [b.grade for b in self.bands]
        if len(set(grades)) != len(grades):
            raise KeyProblem("bands", "a grade is listed twice")
        for i, d in enumerate(self.downgrades):
            if d.grade not in grades:
                raise KeyProblem(
                    f"downgrades[{i}].grade", f"must be one of {', '.join(grades)}, not {d.grade!r}"
                )
        if self.ungraded not in grades:
            raise KeyProblem(
                "ungraded", f"must be one of {', '.join(grades)}, not {self.ungraded!r}"
            )
        return self


class _Frequency(Table):
    grade: Text
    unit: Literal["station", "county"]
    period: Literal["month", "quarter", "year"]
    times: Positive

    @model_validator(mode="after")
    def _times(self):
        if self.times > 6:
            raise KeyProblem("times", "more than 6 inspections per period is not a frequency")
        return self


class _Tariff(Table):
    code: CodeStr
    name: Text
    per: Literal["person", "gram", "hundred_plants", "den", "case"]
    yuan: Whole
    base_yuan: Whole = 0


class _Target(Table):
    code: Literal[TARGET_CODES]
    name: Text
    article: Text
    target: Annotated[float, Field(allow_inf_nan=False)]
    direction: Literal["at_most", "at_least"]
    definition: Text
    is_target: bool = True
    own: bool = False


class EnforcementCountyBook(Table):
    """``policies/enforcement/<county>.toml``: the county's choices."""

    policy: _CountyHead
    case_flags: Annotated[tuple[_Flag, ...], Field(min_length=1)]
    gangs: _Gangs
    venue_checklist: Annotated[tuple[_CheckItem, ...], Field(min_length=1)]
    grading: _Grading
    inspection_frequency: Annotated[tuple[_Frequency, ...], Field(min_length=1)]
    reward_tariff: Annotated[tuple[_Tariff, ...], Field(min_length=1)]
    targets: Annotated[tuple[_Target, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self):
        unique(self.case_flags, "case_flags")
        _required(self.case_flags, "case_flags", REQUIRED_FLAGS)
        unique(self.venue_checklist, "venue_checklist")
        if sum(c.points for c in self.venue_checklist) != 100:
            raise KeyProblem("venue_checklist", "points must add up to 100")
        grades = [b.grade for b in self.grading.bands]
        for i, f in enumerate(self.inspection_frequency):
            if f.grade not in grades:
                raise KeyProblem(
                    f"inspection_frequency[{i}].grade",
                    f"must be one of {', '.join(grades)}, not {f.grade!r}",
                )
        unique(self.reward_tariff, "reward_tariff")
        unique(self.targets, "targets")
        for code in TARGET_CODES:
            if code not in {t.code for t in self.targets}:
                raise KeyProblem("targets", f"needs the target {code!r}")
        return self


def load_enforcement_policy(
    law_path: str | Path, county_path: str | Path, *, drug_types=None
) -> EnforcementPolicy:
    return parse_enforcement_policy(
        read_toml(law_path),
        read_toml(county_path),
        str(law_path),
        str(county_path),
        drug_types=drug_types,
    )


def parse_enforcement_policy(
    law_raw: dict,
    county_raw: dict,
    law_label: str = "<enforcement law>",
    county_label: str = "<county enforcement>",
    *,
    drug_types=None,
) -> EnforcementPolicy:
    """``drug_types``: the control area's code list, which every heroin factor must cover
    (the drug types of a seizure are the control area's codes)."""
    law = parse_book(EnforcementLawBook, law_raw, law_label)
    county = parse_book(EnforcementCountyBook, county_raw, county_label)
    if county.policy.law_policy != law.policy.id:
        raise PolicyError(
            county_label,
            "policy.law_policy",
            f"must name the national rule book in use, {law.policy.id!r}",
        )
    factors = {
        f.drug_type: HeroinFactor(f.drug_type, f.factor, f.source) for f in law.heroin_factors
    }
    if drug_types is not None:
        missing = [c for c in drug_types if c not in factors]
        if missing:
            raise PolicyError(
                law_label,
                "heroin_factors",
                f"has no factor for the control area's drug types {', '.join(missing)}",
            )
    for i, t in enumerate(county.reward_tariff):
        if t.base_yuan > law.rewards.max_yuan:
            raise PolicyError(
                county_label,
                f"reward_tariff[{i}].base_yuan",
                f"exceeds the national maximum {law.rewards.max_yuan} (禁毒举报奖励办法)",
            )
    editions = tuple(
        Edition(
            id=e.id,
            law=e.law,
            valid_from=e.valid_from,
            valid_to=e.valid_to,
            source=e.source,
            violations=tuple(
                Offence(v.code, v.name, v.article, "administrative", True, v.article_verified)
                for v in e.violations
            ),
        )
        for e in sorted(law.administrative_editions, key=lambda e: e.valid_from)
    )
    return EnforcementPolicy(
        id=county.policy.id,
        title=county.policy.title,
        law_id=law.policy.id,
        law_title=law.policy.title,
        criminal_offences=tuple(
            Offence(o.code, o.name, o.article, "criminal", o.counts_in_results)
            for o in law.criminal_offences
        ),
        editions=editions,
        heroin_factors=factors,
        venue_kinds=tuple(as_dataclass(VenueKind, k) for k in law.venue_kinds),
        sanctions=tuple(as_dataclass(Sanction, x) for x in law.sanctions),
        rewards=as_dataclass(Rewards, law.rewards),
        case_flags=tuple(as_dataclass(Flag, f) for f in county.case_flags),
        gang_min_members=county.gangs.min_members,
        gang_article=county.gangs.article,
        checklist=tuple(as_dataclass(CheckItem, c) for c in county.venue_checklist),
        grading_article=county.grading.article,
        ungraded=county.grading.ungraded,
        bands=tuple(as_dataclass(Band, b) for b in county.grading.bands),
        downgrades=tuple(as_dataclass(Downgrade, d) for d in county.grading.downgrades),
        frequencies=tuple(as_dataclass(Frequency, f) for f in county.inspection_frequency),
        tariff=tuple(as_dataclass(Tariff, t) for t in county.reward_tariff),
        targets=tuple(
            sorted(
                (as_dataclass(Target, t) for t in county.targets),
                key=lambda t: TARGET_CODES.index(t.code),
            )
        ),
        sources=(law_label, county_label),
    )


# ---------------------------------------------------------------- which files are in force


def policy_paths() -> tuple[Path, Path]:
    from django.conf import settings

    base = Path(settings.BASE_DIR) / "policies" / "enforcement"
    return (
        Path(getattr(settings, "JINDU_ENFORCEMENT_LAW_FILE", base / "enforcement-law.toml")),
        Path(
            getattr(
                settings,
                "JINDU_ENFORCEMENT_COUNTY_FILE",
                base / "hengyang-2018-enforcement.toml",
            )
        ),
    )


@cache
def _load(law: str, county: str, drug_types: tuple[str, ...]) -> EnforcementPolicy:
    return load_enforcement_policy(law, county, drug_types=drug_types)


def enforcement_policy() -> EnforcementPolicy:
    """The rule books in force, checked against the control area's drug-type list."""
    from jindu.control.policy import control_policy

    law, county = policy_paths()
    return _load(str(law), str(county), control_policy().code_values("drug_types"))


def reset_cache() -> None:
    _load.cache_clear()
