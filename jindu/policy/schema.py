"""The policy file as typed, immutable data. Built only by ``loader.load_policy``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# The [rules] table: the articles of the general rules, typed (a misspelt key is refused when
# the file loads and when code asks for it).
RULE_KEYS = (
    "one_active_listing_article",
    "rebound_article",
    "application_article",
    "office_proposal_article",
    "decision_article",
    "lower_lift_article",
    "extension_article",
)


@dataclass(frozen=True)
class Article:
    number: str
    chapter: str
    text: str


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    article: str
    clause: str = ""


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    short_name: str
    rank: int
    article: str
    clause: str
    period_months: int
    extensions_allowed: int
    extension_months: int
    period_article: str
    after_extensions: str  # "continue" | "decide"
    continue_months: int
    lower_to: str
    shift_to_working_day: bool
    # Days before the current due date from which a decision may extend (特殊情况, art. 13) or
    # continue the listing; the reasons are in the rule book (`*_window_note`).
    extension_window_days: int = 0
    extension_window_note: str = ""
    continue_window_days: int = 0
    continue_window_note: str = ""


@dataclass(frozen=True)
class Condition:
    code: str
    name: str
    article: str
    clause: str
    points: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationKind:
    code: str
    name: str
    article: str


@dataclass(frozen=True)
class Choice:
    code: str
    name: str
    article: str = ""


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    min: float


@dataclass(frozen=True)
class EvaluationItem:
    code: str
    section: str  # "objective" | "subjective"
    name: str
    points: float = 0
    deduct_per: float = 0
    veto: bool = False
    percentage: bool = False
    article: str = ""
    note: str = ""


@dataclass(frozen=True)
class EvaluationRules:
    article: str
    weights_article: str
    objective_weight: float
    subjective_weight: float
    objective_must_outweigh: bool
    methods: tuple[Choice, ...]
    grades: tuple[Grade, ...]
    veto_grade: str
    recommendations: tuple[Choice, ...]
    items: tuple[EvaluationItem, ...]


@dataclass(frozen=True)
class ListingObligation:
    kind: str
    name: str
    article: str
    owner: str  # "listed_unit" | "office"
    schedule: str  # "anniversary" | "period_end" | "calendar_year"
    due: str = ""  # MM-DD for calendar_year
    shift_to_working_day: bool = False


@dataclass(frozen=True)
class Consequence:
    kind: str
    name: str
    when: str  # "listed" | "period_missed" | "extension_missed"
    levels: tuple[str, ...]
    target: str  # "unit" | "responsible_persons"
    article: str
    clause: str = ""
    awards: tuple[str, ...] = ()
    scope: str = ""
    min_tenure_months_before_listing: int = 0
    only_if_tenure_months_before_listing: int = 0
    # The unit levels (township, village) the measure applies to (art. 29–31 name 乡镇（园区）).
    unit_levels: tuple[str, ...] = ("township",)
    # Proposed at most once per listing and person, whatever deadline is missed again.
    once_per_listing: bool = False
    # "level_left": the measure ends on the date of the decision that lowers or lifts the
    # listing from one of `levels` (the reading is stated in `ends_on_note`).
    ends_on: str = ""
    ends_on_note: str = ""


@dataclass(frozen=True)
class CityLevel:
    """A level of the city committee's own listings (市禁毒委), recorded as facts."""

    code: str
    name: str
    article: str
    as_level: str = ""  # the county level whose consequences it brings ("" none)
    consequence_articles: tuple[str, ...] = ()
    township_duties: bool = False


@dataclass(frozen=True)
class TownshipDuty:
    code: str
    name: str
    article: str
    check: str  # "positions" | "record"
    director_role: str = ""
    principal_role: str = ""
    feeds_condition: str = ""


@dataclass(frozen=True)
class Responsibilities:
    assistance_article: str = ""
    inspection_article: str = ""
    inspections_per_year: int = 1
    briefing_article: str = ""
    annual_assessment_article: str = ""
    report_article: str = ""
    report_recipients: tuple[str, ...] = ()
    eligibility_article: str = ""
    responsible_roles: tuple[str, ...] = ("first_responsible", "direct_responsible")


@dataclass(frozen=True)
class RecurringObligation:
    kind: str
    name: str
    article: str
    owners: tuple[str, ...]
    frequency: str  # monthly | quarterly | yearly | campaign
    due_day: int = 0
    due: str = ""  # MM-DD for yearly
    due_phase: str = ""  # for campaign
    counterpart: str = ""
    shift_to_working_day: bool = False
    active_from: datetime.date | None = None
    active_until: datetime.date | None = None


@dataclass(frozen=True)
class ReportField:
    code: str
    name: str
    type: str  # text | number
    required: bool = False


@dataclass(frozen=True)
class PhaseSpec:
    code: str
    name: str
    start: datetime.date
    end: datetime.date
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class CampaignSpec:
    code: str
    name: str
    start: datetime.date
    end: datetime.date
    article: str
    phases: tuple[PhaseSpec, ...] = ()


@dataclass(frozen=True)
class SupervisionRules:
    remind_working_days_before: int = 3
    escalate_after_working_days: int = 5
    report_article: str = ""
    major_event_article: str = ""
    meeting_article: str = ""
    letter_article: str = ""


@dataclass(frozen=True)
class Policy:
    id: str
    issuer: str
    title: str
    short_title: str
    document_no: str
    document_date: datetime.date
    effective_date: datetime.date
    effective_article: str
    designation_levels: tuple[str, ...]
    designation_article: str
    village_article: str
    decided_by: str
    office: str
    categories: tuple[Category, ...]
    levels: tuple[Level, ...]
    lowering_new_period: str
    lowering_article: str
    rules: dict
    conditions: tuple[Condition, ...]
    application_kinds: tuple[ApplicationKind, ...]
    evaluation: EvaluationRules
    listing_obligations: tuple[ListingObligation, ...]
    consequences: tuple[Consequence, ...]
    responsibilities: Responsibilities = field(default_factory=Responsibilities)
    assistance_roles: tuple[Choice, ...] = ()
    township_duties: tuple[TownshipDuty, ...] = ()
    supervision: SupervisionRules = field(default_factory=SupervisionRules)
    recurring_obligations: tuple[RecurringObligation, ...] = ()
    report_fields: tuple[ReportField, ...] = ()
    campaigns: tuple[CampaignSpec, ...] = ()
    city_levels: tuple[CityLevel, ...] = ()
    articles: dict[str, Article] = field(default_factory=dict)
    source: str = ""

    def level(self, code: str) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def city_level(self, code: str) -> CityLevel | None:
        return next((c for c in self.city_levels if c.code == code), None)

    def condition(self, code: str) -> Condition | None:
        return next((c for c in self.conditions if c.code == code), None)

    @property
    def condition_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.conditions)

    def rule_article(self, key: str) -> str:
        """The article of a general rule (``[rules]``); an unknown key is a programming error,
        never an empty citation."""
        if key not in RULE_KEYS:
            raise KeyError(f"unknown rule {key!r}; the [rules] keys are {', '.join(RULE_KEYS)}")
        return self.rules.get(key, "")

    def quote(self, basis) -> list[tuple[str, str]]:
        """(citation, article text) for each citation such as 第三十条（三）."""
        quoted = []
        for citation in basis:
            number = citation[: citation.find("条") + 1] if "条" in citation else citation
            if number in self.articles:
                quoted.append((citation, self.articles[number].text))
        return quoted

    def cite(self, *articles: str) -> str:
        """``依据《衡阳县禁毒重点整治工作办法》第十三条``: how the documents name a basis."""
        return f"依据{self.short_title}{'、'.join(a for a in articles if a)}"
