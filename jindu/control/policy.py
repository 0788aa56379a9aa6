"""The control rule book (policies/control/control-law.toml) as typed, frozen data.

《禁毒法》, 《戒毒条例》 and the Plan's five targets: every number the control rules use, with
the article it comes from. ``load_control_policy`` refuses a file that does not validate and
names the file, the key and the problem (the same ``PolicyError`` as the Measures' loader).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jindu.policy.loader import PolicyError, _code, _Reader, _unique

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
# Code lists the software relies on: a file must list exactly these codes (names are free).
FIXED_CODES: dict[str, tuple[str, ...]] = {
    "gender": ("male", "female"),
    "responsible_role": ("police", "social_worker", "grid_worker", "village_cadre"),
    "not_executed_reason": (
        "pregnancy",
        "nursing",
        "serious_illness",
        "disability",
        "age",
        "other",
    ),
    "status": ("in_society", "in_facility", "in_custody", "moved_out", "deceased"),
    "risk_level": ("low", "medium", "high"),
    "order_end_kind": (
        "expiry",
        "early_release",
        "suspended",
        "terminated",
        "converted",
        "other",
    ),
    "test_kind": ("urine", "hair"),
    "test_result": ("negative", "positive", "refused", "missed"),
}
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
    targets: tuple[Target, ...]
    articles: dict[str, Article] = field(repr=False)
    source: str = ""

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


def load_control_policy(path: str | Path) -> ControlPolicy:
    path = Path(path)
    label = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(label, "(file)", "does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(label, "(syntax)", str(exc)) from None
    return parse_control_policy(raw, label)


def parse_control_policy(raw: dict, label: str = "<control policy>") -> ControlPolicy:
    root = _Reader(label, raw)

    articles = {}
    for number, body in root.get("articles", dict).items():
        if not isinstance(body, dict):
            raise PolicyError(label, f"articles.{number}", "must be a table with `text`")
        r = _Reader(label, body, f"articles.{number}.")
        articles[number] = Article(number, r.text("law", ""), r.text("text"))
    if not articles:
        root.fail("articles", "needs the text of at least one article")

    def article(reader: _Reader, name: str = "article", *, optional: bool = False) -> str:
        value = reader.text(name, "" if optional else ...)
        if value and value not in articles:
            reader.fail(name, f"cites {value!r}, which is not in [articles]")
        return value

    head = root.table("policy")
    policy_id = head.text("id")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", policy_id):
        head.fail("id", "must be lower-case letters, digits and hyphens")

    counting = root.table("counting")
    order_kinds = _order_kinds(root, article)
    suspension = root.table("suspension")
    transfer = root.table("transfer")
    leave = root.table("leave")
    breach = root.table("breach")
    exemptions = root.table("exemptions")
    abstinence = root.table("abstinence")

    return ControlPolicy(
        id=policy_id,
        title=head.text("title"),
        laws=head.strings("laws", ()),
        effective_date=head.get("effective_date", datetime.date),
        term_includes_start_day=counting.get("term_includes_start_day", bool),
        counting_article=article(counting, "term_article"),
        order_kinds=order_kinds,
        suspension_article=article(suspension),
        suspension_extends_term=suspension.get("extends_term", bool),
        transfer_report_days=transfer.whole("report_days", minimum=1),
        transfer_article=article(transfer),
        leave_min_days=leave.whole("min_days_needing_approval", minimum=1),
        leave_article=article(leave),
        breach=Breach(
            refused_or_evaded_tests=breach.whole("refused_or_evaded_tests", minimum=1),
            unapproved_absences=breach.whole("unapproved_absences", minimum=1),
            days_away_over=breach.whole("days_away_over", minimum=0),
            article=article(breach),
            report_article=article(breach, "report_article"),
            counts_missed_tests=breach.get("counts_missed_tests", bool, default=True),
        ),
        escalation=_escalation(root, article, order_kinds),
        exemption_article=article(exemptions),
        nursing_infant_months=exemptions.whole("nursing_infant_months", minimum=1),
        may_waive_under_age=exemptions.whole("may_waive_under_age", minimum=1),
        clean_months=abstinence.whole("clean_months", minimum=1),
        abstinence_article=article(abstinence),
        test_schedule=_schedule(root, order_kinds),
        codes=_codes(root, article),
        targets=_targets(root, article),
        articles=articles,
        source=label,
    )


def _order_kinds(root: _Reader, article) -> dict[str, OrderKind]:
    result: dict[str, OrderKind] = {}
    readers = root.tables("order_kinds")
    _unique(root.path, "order_kinds", [r.get("code", str, default="") for r in readers])
    for r in readers:
        code = r.text("code", choices=ORDER_KINDS)
        starts = r.text("term_starts", choices=TERM_STARTS)
        community = code in COMMUNITY_KINDS
        if community != (starts == "report"):
            r.fail(
                "term_starts",
                "community orders count from the report, compulsory isolation from the decision",
            )
        kind = OrderKind(
            code=code,
            name=r.text("name"),
            term_months=r.whole("term_months", minimum=1),
            max_term_months=r.whole("max_term_months", minimum=1),
            term_starts=starts,
            term_article=article(r, "term_article"),
            report_days=r.whole("report_days", 0),
            report_article=article(r, "report_article", optional=True),
            agreement_article=article(r, "agreement_article", optional=True),
            working_group_article=article(r, "working_group_article", optional=True),
            expiry_notice_days=r.whole("expiry_notice_days", 0),
            expiry_article=article(r, "expiry_article", optional=True),
            minimum_tests=r.whole("minimum_tests", 0),
            early_release_after_months=r.whole("early_release_after_months", 0),
            max_extension_months=r.whole("max_extension_months", 0),
            extension_article=article(r, "extension_article", optional=True),
            exemption_article=article(r, "exemption_article", optional=True),
        )
        if kind.term_months > kind.max_term_months:
            r.fail("term_months", "cannot exceed max_term_months")
        if community:
            if kind.report_days < 1:
                r.fail("report_days", "a community order needs a reporting deadline ≥ 1 day")
            if not kind.report_article:
                r.fail("report_article", "is required for a community order")
        result[code] = kind
    for code in ORDER_KINDS:
        if code not in result:
            root.fail("order_kinds", f"needs an entry for {code!r}")
    return result


def _schedule(root: _Reader, order_kinds: dict[str, OrderKind]) -> tuple[ScheduleStep, ...]:
    steps = []
    for r in root.tables("test_schedule"):
        step = ScheduleStep(
            order_kind=r.text("order_kind", choices=COMMUNITY_KINDS),
            year=r.whole("year", minimum=1),
            interval_months=r.whole("interval_months", minimum=1),
        )
        if 12 % step.interval_months:
            r.fail("interval_months", "must divide the year (1, 2, 3, 4, 6 or 12)")
        if any(s.order_kind == step.order_kind and s.year == step.year for s in steps):
            r.fail("year", f"year {step.year} of {step.order_kind} is listed twice")
        steps.append(step)
    for code in COMMUNITY_KINDS:
        kind = order_kinds[code]
        years = -(-kind.max_term_months // 12)
        mine = {s.year: s for s in steps if s.order_kind == code}
        for year in range(1, years + 1):
            if year not in mine:
                root.fail("test_schedule", f"has no interval for year {year} of {code}")
        windows = sum(
            min(12, kind.term_months - 12 * (year - 1)) // mine[year].interval_months
            for year in range(1, -(-kind.term_months // 12) + 1)
        )
        if windows < kind.minimum_tests:
            root.fail(
                "test_schedule",
                f"gives {windows} tests over a {kind.term_months}-month {code} term, fewer "
                f"than its minimum_tests {kind.minimum_tests}",
            )
    return tuple(steps)


def _escalation(root: _Reader, article, order_kinds) -> Escalation:
    r = root.table("escalation")
    grounds = tuple(
        Ground(_code(g), g.text("name"), g.text("clause", "")) for g in r.tables("grounds")
    )
    _unique(root.path, "escalation.grounds", [g.code for g in grounds])
    for code in ESCALATION_GROUNDS:
        if code not in {g.code for g in grounds}:
            r.fail("grounds", f"needs the ground {code!r}")
    return Escalation(
        to_kind=r.text("to_kind", choices=tuple(order_kinds)),
        article=article(r),
        grounds=grounds,
    )


def _codes(root: _Reader, article) -> dict[str, tuple[Code, ...]]:
    table = root.table("codes")
    result = {}
    for name in (*FIXED_CODES, *OPEN_CODES):
        readers = table.tables(name)
        codes = tuple(Code(_code(c), c.text("name"), article(c, optional=True)) for c in readers)
        _unique(root.path, f"codes.{name}", [c.code for c in codes])
        given = {c.code for c in codes}
        if name in FIXED_CODES and given != set(FIXED_CODES[name]):
            table.fail(name, f"must list exactly the codes {', '.join(FIXED_CODES[name])}")
        missing = [c for c in OPEN_CODES.get(name, ()) if c not in given]
        if missing:
            table.fail(name, f"must list at least the codes {', '.join(missing)}")
        result[name] = codes
    return result


def _targets(root: _Reader, article) -> tuple[Target, ...]:
    targets = []
    for r in root.tables("targets"):
        target = Target(
            code=r.text("code", choices=TARGET_CODES),
            name=r.text("name"),
            target=r.number("target", minimum=0),
            article=article(r),
            definition=r.text("definition"),
        )
        if target.target > 100:
            r.fail("target", "is a percentage and cannot exceed 100")
        targets.append(target)
    _unique(root.path, "targets", [t.code for t in targets])
    for code in TARGET_CODES:
        if code not in {t.code for t in targets}:
            root.fail("targets", f"needs the target {code!r}")
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
def _load(path: str) -> ControlPolicy:
    return load_control_policy(path)


def control_policy() -> ControlPolicy:
    """The control rule book in force (``settings.JINDU_CONTROL_POLICY_FILE``)."""
    return _load(str(policy_path()))


def reset_cache() -> None:
    _load.cache_clear()
