"""The Measures' rules on listings (articles 10–20), as pure functions.

Facts in, outcome out: no database, no clock. Every outcome carries the articles it applied
(``basis``), and every refusal says in words which rule refuses it. The numbers come from the
policy file; nothing here knows Hengyang's periods.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from jindu.policy.periods import add_months, next_working_day, period_end
from jindu.policy.schema import Policy

LIST, EXTEND, LOWER, LIFT, CONTINUE = "list", "extend", "lower", "lift", "continue"
DECISION_KINDS = (LIST, EXTEND, LOWER, LIFT, CONTINUE)
SOURCES = ("application", "office_proposal", "rebound")
ACTIVE, LIFTED = "active", "lifted"


@dataclass(frozen=True)
class Listing:
    """A designation's state: what the decisions so far add up to."""

    level: str
    categories: tuple[str, ...]
    source: str
    status: str
    listed_date: datetime.date  # the first `list` decision
    period_start: datetime.date  # the decision that began the current period
    due_date: datetime.date  # last day of the current period (extensions included)
    extensions_used: int = 0
    continuations: int = 0
    last_decision_date: datetime.date | None = None
    lifted_date: datetime.date | None = None


@dataclass(frozen=True)
class Unit:
    """What the rules need to know about the unit a decision is about."""

    level: str  # "township" | "village" | …
    active: Listing | None = None
    ever_lifted: bool = False


@dataclass(frozen=True)
class Request:
    kind: str
    date: datetime.date
    level: str = ""
    categories: tuple[str, ...] = ()
    source: str = ""
    has_application: bool = False
    assessment_all_met: bool | None = None  # None: no assessment given
    assessment_date: datetime.date | None = None
    assessment_for_this_listing: bool = True
    # The conditions of art. 14 the assessment found unmet (codes), to name them in a refusal.
    assessment_missing: tuple[str, ...] = ()
    # The stated reason (the special circumstances of an extension, art. 13).
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    basis: tuple[str, ...]
    message: str = ""
    listing: Listing | None = None
    missing: tuple[str, ...] = ()  # unmet conditions of a refused lowering or lifting


def _refuse(message: str, *basis: str, missing: tuple[str, ...] = ()) -> Outcome:
    return Outcome(False, tuple(b for b in basis if b), message, missing=missing)


def _allow(listing: Listing, *basis: str) -> Outcome:
    unique = tuple(dict.fromkeys(b for b in basis if b))
    return Outcome(True, unique, "", listing)


def decide(policy: Policy, unit: Unit, req: Request) -> Outcome:
    """Whether the committee may take decision ``req`` about ``unit``, and the result."""
    if req.kind not in DECISION_KINDS:
        return _refuse(
            _("Unknown decision kind “%(kind)s”.") % {"kind": req.kind},
            policy.rule_article("decision_article"),
        )
    if req.date < policy.effective_date:
        return _refuse(
            _("The decision date is before %(title)s took effect (%(date)s).")
            % {"title": policy.short_title, "date": policy.effective_date},
            policy.effective_article,
        )
    if req.kind == LIST:
        return _list(policy, unit, req)
    listing = unit.active
    if listing is None or listing.status != ACTIVE:
        return _refuse(
            _("The unit has no active listing to change."),
            policy.rule_article("one_active_listing_article"),
        )
    if listing.last_decision_date and req.date < listing.last_decision_date:
        return _refuse(
            _("A decision cannot be dated before the listing's previous decision (%(date)s).")
            % {"date": listing.last_decision_date},
            policy.rule_article("decision_article"),
        )
    level = policy.level(listing.level)
    return {EXTEND: _extend, CONTINUE: _continue, LOWER: _lower, LIFT: _lift}[req.kind](
        policy, level, listing, req
    )


def _list(policy: Policy, unit: Unit, req: Request) -> Outcome:
    if unit.level not in policy.designation_levels:
        return _refuse(
            _("Units of this level cannot be listed under %(title)s.")
            % {"title": policy.short_title},
            policy.designation_article,
        )
    if unit.active is not None and unit.active.status == ACTIVE:
        return _refuse(
            _(
                "The unit already has an active listing; its level and period change by decisions "
                "on that listing."
            ),
            policy.rule_article("one_active_listing_article"),
        )
    level = policy.level(req.level)
    if level is None:
        first = policy.levels[0]
        return _refuse(
            _("Choose a listing level defined by %(title)s.") % {"title": policy.short_title},
            first.article,
        )
    if not req.categories:
        return _refuse(_("A listing needs at least one category."), policy.categories[0].article)
    unknown = [c for c in req.categories if policy.category(c) is None]
    if unknown:
        return _refuse(
            _("Unknown category: %(codes)s.") % {"codes": "、".join(unknown)},
            policy.categories[0].article,
        )
    if req.source == "application":
        if not req.has_application:
            return _refuse(
                _("A listing on application needs the unit's application."),
                policy.rule_article("application_article"),
            )
        source_article = policy.rule_article("application_article")
    elif req.source == "office_proposal":
        source_article = policy.rule_article("office_proposal_article")
    elif req.source == "rebound":
        if not unit.ever_lifted:
            return _refuse(
                _(
                    "A direct listing for a rebound is only for a unit whose listing was lifted "
                    "before."
                ),
                policy.rule_article("rebound_article"),
            )
        source_article = policy.rule_article("rebound_article")
    else:
        return _refuse(
            _("Say how the listing arose: application, office proposal or rebound."),
            policy.rule_article("decision_article"),
        )
    listing = Listing(
        level=level.code,
        categories=tuple(dict.fromkeys(req.categories)),
        source=req.source,
        status=ACTIVE,
        listed_date=req.date,
        period_start=req.date,
        due_date=period_end(req.date, level.period_months),
        last_decision_date=req.date,
    )
    category_article = policy.category(req.categories[0]).article
    return _allow(listing, category_article, level.article, source_article, level.period_article)


def _extend(policy: Policy, level, listing: Listing, req: Request) -> Outcome:
    article = policy.rule_article("extension_article") or level.period_article
    if req.date == listing.listed_date:
        return _refuse(
            _(
                "An extension is a decision for special circumstances; it cannot be taken on the "
                "listing day (%(date)s)."
            )
            % {"date": listing.listed_date},
            article,
        )
    if listing.extensions_used >= level.extensions_allowed:
        return _refuse(
            _("%(level)s may be extended %(allowed)d time(s); this listing has used %(used)d.")
            % {
                "level": level.short_name,
                "allowed": level.extensions_allowed,
                "used": listing.extensions_used,
            },
            level.period_article,
        )
    window_opens = listing.due_date - datetime.timedelta(days=level.extension_window_days)
    if req.date < window_opens:
        return _refuse(
            _(
                "The current period runs until %(date)s; an extension may be decided from "
                "%(opens)s (%(days)d days before it ends)."
            )
            % {
                "date": listing.due_date,
                "opens": window_opens,
                "days": level.extension_window_days,
            },
            article,
        )
    if not req.reason.strip():
        return _refuse(
            _("An extension is for special circumstances: state them in the notes."), article
        )
    return _allow(
        replace(
            listing,
            due_date=add_months(listing.due_date, level.extension_months),
            extensions_used=listing.extensions_used + 1,
            last_decision_date=req.date,
        ),
        level.period_article,
    )


def _continue(policy: Policy, level, listing: Listing, req: Request) -> Outcome:
    if level.after_extensions != "continue":
        return _refuse(
            _("%(title)s provides no continued listing for %(level)s.")
            % {"title": policy.short_title, "level": level.short_name},
            level.period_article,
        )
    if listing.extensions_used < level.extensions_allowed:
        return _refuse(
            _(
                "A listing continues only after its extension has run out; this one has not been "
                "extended yet."
            ),
            level.period_article,
        )
    if req.date < listing.due_date - datetime.timedelta(days=level.continue_window_days):
        return _refuse(
            _("The current period runs until %(date)s; continuing is decided when it ends.")
            % {"date": listing.due_date},
            level.period_article,
        )
    return _allow(
        replace(
            listing,
            due_date=add_months(listing.due_date, level.continue_months),
            continuations=listing.continuations + 1,
            last_decision_date=req.date,
        ),
        level.period_article,
    )


def _conditions_refusal(policy: Policy, req: Request) -> Outcome | None:
    article = policy.rule_article("lower_lift_article")
    if req.assessment_all_met is None:
        return _refuse(_("Lowering or lifting needs an assessment of the six conditions."), article)
    if not req.assessment_for_this_listing:
        return _refuse(_("The assessment belongs to another listing."), article)
    if not req.assessment_all_met:
        missing = tuple(c for c in policy.condition_codes if c in req.assessment_missing)
        return _refuse(
            _("Not all conditions are met: lowering or lifting needs every one. Unmet: %(list)s.")
            % {"list": unmet_conditions_text(policy, missing)},
            article,
            missing=missing,
        )
    if req.assessment_date and req.assessment_date > req.date:
        return _refuse(_("The assessment is dated after the decision."), article)
    return None


def _lower(policy: Policy, level, listing: Listing, req: Request) -> Outcome:
    target = policy.level(level.lower_to) if level.lower_to else None
    if target is None:
        return _refuse(
            _("%(level)s is already the lowest level; it can only be lifted.")
            % {"level": level.short_name},
            level.article,
        )
    refusal = _conditions_refusal(policy, req)
    if refusal:
        return refusal
    if policy.lowering_new_period == "fresh":
        lowered = replace(
            listing,
            level=target.code,
            period_start=req.date,
            due_date=period_end(req.date, target.period_months),
            extensions_used=0,
            continuations=0,
            last_decision_date=req.date,
        )
    else:
        lowered = replace(listing, level=target.code, last_decision_date=req.date)
    return _allow(
        lowered,
        policy.rule_article("lower_lift_article"),
        policy.lowering_article,
        target.period_article,
    )


def _lift(policy: Policy, level, listing: Listing, req: Request) -> Outcome:
    refusal = _conditions_refusal(policy, req)
    if refusal:
        return refusal
    return _allow(
        replace(listing, status=LIFTED, lifted_date=req.date, last_decision_date=req.date),
        policy.rule_article("lower_lift_article"),
    )


# ---------------------------------------------------------------- document numbers (art. 19)

_NUMBER_YEAR = re.compile(r"[〔\[［(（](\d{4})[〕\]］)）]")


def number_year(number: str) -> int | None:
    """The year of a document number such as 衡禁毒委〔2026〕3号 (None if it shows none)."""
    match = _NUMBER_YEAR.search(number or "")
    return int(match.group(1)) if match else None


def document_number_problem(
    number: str, date: datetime.date, *, taken: bool, exception_reason: str = ""
) -> str | None:
    """A decision's number is unique for its issuer, and its year is the decision's year
    unless the office confirms an exception with a reason (a decision of late December
    numbered in January's series, say)."""
    if taken:
        return _("Document number %(number)s has already been used by this issuer.") % {
            "number": number
        }
    year = number_year(number)
    if year is not None and year != date.year and not exception_reason.strip():
        return _(
            "The number's year (%(year)d) is not the decision's year (%(date)s); correct it, or "
            "confirm the exception with a reason."
        ) % {"year": year, "date": date}
    return None


# ---------------------------------------------------------------- assessments (art. 14)


def unmet_conditions_text(policy: Policy, codes) -> str:
    """第十四条（二）机制保障健全、第十四条（六）突出问题缓解 — each by clause and name."""
    parts = []
    for code in codes:
        condition = policy.condition(code)
        if condition is not None:
            parts.append(f"{condition.article}{condition.clause}{condition.name}")
    return "、".join(parts)


@dataclass(frozen=True)
class AssessmentResult:
    all_met: bool
    missing: tuple[str, ...]
    basis: tuple[str, ...]


def assess(policy: Policy, conditions: dict[str, bool]) -> AssessmentResult:
    """All six conditions of art. 14 must be met; an unanswered one counts as not met."""
    unknown = set(conditions) - set(policy.condition_codes)
    if unknown:
        raise ValueError(_("Unknown condition: %(codes)s.") % {"codes": "、".join(sorted(unknown))})
    missing = tuple(c for c in policy.condition_codes if not conditions.get(c, False))
    return AssessmentResult(not missing, missing, (policy.rule_article("lower_lift_article"),))


def unproven_conditions(policy: Policy, conditions: dict[str, bool], evidenced) -> tuple[str, ...]:
    """Conditions marked met without any evidence (art. 14 lists what each must show)."""
    return tuple(c for c in policy.condition_codes if conditions.get(c) and c not in evidenced)


# ---------------------------------------------------------------- evaluations (art. 5, 19)


@dataclass(frozen=True)
class ItemScore:
    code: str
    section: str
    value: float  # what was recorded: occurrences, or a percentage
    score: float
    vetoed: bool = False


@dataclass(frozen=True)
class Score:
    objective: float
    subjective: float
    total: float
    grade: str
    vetoed_by: tuple[str, ...]
    items: tuple[ItemScore, ...] = field(default_factory=tuple)
    basis: tuple[str, ...] = ()


def score_evaluation(policy: Policy, recorded: dict[str, float]) -> Score:
    """Mark the scoresheet. ``recorded`` maps item codes to occurrences (or a percentage)."""
    rules = policy.evaluation
    unknown = set(recorded) - {i.code for i in rules.items}
    if unknown:
        raise ValueError(
            _("Unknown scoresheet item: %(codes)s.") % {"codes": "、".join(sorted(unknown))}
        )
    sections = {"objective": 0.0, "subjective": 0.0}
    items, vetoed = [], []
    for item in rules.items:
        value = float(recorded.get(item.code, 0) or 0)
        if value < 0:
            raise ValueError(_("%(item)s cannot be negative.") % {"item": item.name})
        if item.veto:
            if value > 0:
                vetoed.append(item.code)
            items.append(ItemScore(item.code, item.section, value, 0.0, value > 0))
            continue
        if item.percentage:
            if value > 100:
                raise ValueError(_("%(item)s is a percentage (0–100).") % {"item": item.name})
            got = item.points * value / 100
        else:
            got = max(0.0, item.points - item.deduct_per * value)
        sections[item.section] += got
        items.append(ItemScore(item.code, item.section, value, round(got, 2)))
    total = round(
        sections["objective"] * rules.objective_weight
        + sections["subjective"] * rules.subjective_weight,
        2,
    )
    if vetoed:
        grade = rules.veto_grade
    else:
        grade = next(g.code for g in rules.grades if total >= g.min)
    return Score(
        objective=round(sections["objective"], 2),
        subjective=round(sections["subjective"], 2),
        total=total,
        grade=grade,
        vetoed_by=tuple(vetoed),
        items=tuple(items),
        basis=tuple(dict.fromkeys((rules.weights_article, rules.article))),
    )


# ---------------------------------------------------------------- obligations (art. 18, 19, 21)


@dataclass(frozen=True)
class ObligationSpec:
    kind: str
    owner: str  # "listed_unit" | "office"
    period: str  # e.g. "2019", "2020-06-01"
    due_date: datetime.date
    basis: tuple[str, ...]
    due_date_known: bool = True  # False: the working-day calendar did not know the year


def listing_obligations(
    policy: Policy, listing: Listing, is_workday: Callable[[datetime.date], bool | None]
) -> list[ObligationSpec]:
    """Every obligation the listing creates over its whole current course (idempotent: the
    same listing always yields the same list; callers upsert by kind and period)."""
    if listing.status != ACTIVE:
        return []
    specs: list[ObligationSpec] = []
    for rule in policy.listing_obligations:
        dates: list[tuple[str, datetime.date]] = []
        if rule.schedule == "anniversary":
            n = 1
            while (day := add_months(listing.listed_date, 12 * n)) < listing.due_date:
                dates.append((str(day.year), day))
                n += 1
        elif rule.schedule == "period_end":
            dates.append((listing.due_date.isoformat(), listing.due_date))
        else:  # calendar_year
            month, day_of_month = map(int, rule.due.split("-"))
            for year in range(listing.listed_date.year, listing.due_date.year + 1):
                day = datetime.date(year, month, day_of_month)
                if day >= listing.listed_date:
                    dates.append((str(year), day))
        for period, day in dates:
            known = True
            if rule.shift_to_working_day:
                day, known = next_working_day(day, is_workday)
            specs.append(ObligationSpec(rule.kind, rule.owner, period, day, (rule.article,), known))
    return specs
