"""Enforcement rules as plain functions: facts in, outcome and basis out. No database, no
clock (``today`` is passed in). The YAML tables in tests/cases/ test them clause by clause.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .codes import CaseKind
from .policy import EnforcementPolicy, Offence


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    basis: tuple[str, ...] = ()


# ---------------------------------------------------------------- cases


def offence_for(
    policy: EnforcementPolicy, kind: str, code: str, filed_date: datetime.date | None
) -> Offence | None:
    """The catalogue entry of ``code``: criminal 罪名, or the administrative violation of the
    edition of 治安管理处罚法 in force on the 立案 date."""
    if kind not in CaseKind.values:
        return None
    if kind == CaseKind.ADMINISTRATIVE and filed_date is None:
        return None
    return policy.offence(kind, code, filed_date)


def case_problems(
    policy: EnforcementPolicy,
    *,
    kind: str,
    offence: str,
    filed_date: datetime.date | None,
    solved_date: datetime.date | None,
    flags: Iterable[str],
    today: datetime.date,
) -> list[Problem]:
    problems: list[Problem] = []
    if kind not in CaseKind.values:
        problems.append(Problem("kind", _("Choose criminal or administrative.")))
        return problems
    if filed_date is None:
        problems.append(Problem("filed_date", _("Enter the date the case was filed (立案).")))
    elif filed_date > today:
        problems.append(Problem("filed_date", _("The date cannot be in the future.")))
    if offence_for(policy, kind, offence, filed_date) is None:
        if (
            kind == CaseKind.ADMINISTRATIVE
            and filed_date is not None
            and policy.edition_on(filed_date)
        ):
            edition = policy.edition_on(filed_date)
            problems.append(
                Problem(
                    "offence",
                    _("Unknown offence “%(code)s” in %(law)s.")
                    % {"code": offence, "law": edition.law},
                )
            )
        else:
            problems.append(
                Problem(
                    "offence",
                    _("Unknown offence “%(code)s”: choose one from the catalogue.")
                    % {"code": offence},
                    ("刑法第三百四十七条至第三百五十七条",) if kind == CaseKind.CRIMINAL else (),
                )
            )
    if solved_date is not None:
        if solved_date > today:
            problems.append(Problem("solved_date", _("The date cannot be in the future.")))
        if filed_date is not None and solved_date < filed_date:
            problems.append(
                Problem("solved_date", _("The case cannot be solved (破案) before it was filed."))
            )
    unknown = [f for f in flags if f not in policy.flag_codes()]
    if unknown:
        problems.append(
            Problem("flags", _("Unknown case flag: %(codes)s.") % {"codes": ", ".join(unknown)})
        )
    return problems


# ---------------------------------------------------------------- seizures

GRAMS = Decimal("0.001")


@dataclass(frozen=True)
class HeroinEquivalent:
    factor: float
    grams: Decimal
    source: str


def heroin_equivalent(policy: EnforcementPolicy, drug_type: str, grams) -> HeroinEquivalent:
    """折合海洛因 of a weighed seizure; pills are never converted (no weight)."""
    factor = policy.heroin_factors[drug_type]
    value = (Decimal(str(grams)) * Decimal(str(factor.factor))).quantize(GRAMS, ROUND_HALF_UP)
    return HeroinEquivalent(factor.factor, value, factor.source)


def seizure_problems(
    policy: EnforcementPolicy, *, drug_type: str, grams, pills: int | None
) -> list[Problem]:
    problems = []
    if drug_type not in policy.heroin_factors:
        problems.append(
            Problem("drug_type", _("Unknown drug type “%(code)s”.") % {"code": drug_type})
        )
    grams = Decimal(str(grams or 0))
    pills = pills or 0
    if grams < 0:
        problems.append(Problem("grams", _("The weight must be more than 0 grams.")))
    if pills < 0:
        problems.append(Problem("pills", _("The number of pills cannot be negative.")))
    if grams <= 0 and pills <= 0:
        problems.append(
            Problem("grams", _("The weight must be more than 0 grams (or give the pills)."))
        )
    return problems


# ---------------------------------------------------------------- gangs


def gang_problems(policy: EnforcementPolicy, members: int) -> list[Problem]:
    if members < policy.gang_min_members:
        return [
            Problem(
                "members",
                _("A gang counts from %(n)s members.") % {"n": policy.gang_min_members},
                (policy.gang_article,),
            )
        ]
    return []


# ---------------------------------------------------------------- venues


def filing_due(
    policy: EnforcementPolicy, kind: str, opened_date: datetime.date | None
) -> datetime.date | None:
    """The last day to file with the police (娱乐场所治安管理办法: 15 days after the business
    licence, counted from the next day); None where the kind has no filing rule."""
    venue_kind = policy.venue_kind(kind)
    if venue_kind is None or not venue_kind.filing_days or opened_date is None:
        return None
    return opened_date + datetime.timedelta(days=venue_kind.filing_days)


@dataclass(frozen=True)
class Score:
    score: int
    failed: tuple[str, ...]


def inspection_score(policy: EnforcementPolicy, checks: dict) -> Score:
    """The checklist's points for the items that passed (an item not checked fails)."""
    score = sum(item.points for item in policy.checklist if checks.get(item.code) is True)
    failed = tuple(item.code for item in policy.checklist if checks.get(item.code) is not True)
    return Score(score, failed)


def checks_problems(policy: EnforcementPolicy, checks) -> list[Problem]:
    if not isinstance(checks, dict):
        return [Problem("checks", _("The checklist is a set of item: yes/no."))]
    unknown = [k for k in checks if k not in policy.check_item_codes()]
    if unknown:
        return [
            Problem(
                "checks",
                _("Unknown checklist item: %(codes)s.") % {"codes": ", ".join(map(str, unknown))},
            )
        ]
    if any(not isinstance(v, bool) for v in checks.values()):
        return [Problem("checks", _("Each checklist item is true or false."))]
    return []


@dataclass(frozen=True)
class Grade:
    grade: str
    score: int
    reason: str
    basis: tuple[str, ...]
    downgrades: tuple[str, ...] = field(default=())


def grade_venue(
    policy: EnforcementPolicy, *, score: int, users_found: int, dealers_found: int
) -> Grade:
    """The band of the score, capped by every downgrade that applies (users or dealers
    caught on the premises): the worst grade wins."""
    order = policy.grade_codes()  # best first
    band = next(b for b in policy.bands if score >= b.min_score)
    grade = band.grade
    applied = []
    facts = {"users_found": users_found, "dealers_found": dealers_found}
    for rule in policy.downgrades:
        if facts[rule.field] >= rule.at_least and order.index(rule.grade) > order.index(grade):
            grade = rule.grade
            applied.append(rule.code)
        elif facts[rule.field] >= rule.at_least:
            applied.append(rule.code)
    names = [d.name for d in policy.downgrades if d.code in applied]
    reason = band.name if not names else f"{band.name}; " + "; ".join(names)
    return Grade(grade, score, reason, (policy.grading_article,), tuple(applied))


def period_of(period: str, day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """The label, first and last day of the month, quarter or year containing ``day``."""
    if period == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return f"{day:%Y-%m}", day.replace(day=1), day.replace(day=last)
    if period == "quarter":
        q = (day.month - 1) // 3
        first = datetime.date(day.year, 3 * q + 1, 1)
        end_month = 3 * q + 3
        last = datetime.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
        return f"{day.year}-Q{q + 1}", first, last
    if period == "year":
        return str(day.year), datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    raise ValueError(period)


@dataclass(frozen=True)
class InspectionDuty:
    unit: str  # "station" | "county"
    period: str  # label with the occurrence, e.g. "2026-03#2"
    start: datetime.date
    due_date: datetime.date
    basis: tuple[str, ...]


def inspection_duties(
    policy: EnforcementPolicy, grade: str, day: datetime.date
) -> list[InspectionDuty]:
    """What a venue of ``grade`` is owed in the period(s) containing ``day``: one duty per
    required inspection, due on the period's last day."""
    duties = []
    for freq in policy.frequencies:
        if freq.grade != grade:
            continue
        label, start, end = period_of(freq.period, day)
        for n in range(1, freq.times + 1):
            duties.append(
                InspectionDuty(freq.unit, f"{label}#{n}", start, end, (policy.grading_article,))
            )
    return duties


def sanction_problems(
    policy: EnforcementPolicy,
    *,
    kind: str,
    months: int | None,
    rectify_by: datetime.date | None,
    date: datetime.date,
) -> list[Problem]:
    sanction = policy.sanction(kind)
    if sanction is None:
        return [Problem("kind", _("Unknown sanction “%(code)s”.") % {"code": kind})]
    problems = []
    if sanction.is_closure:
        if months is None or not sanction.min_months <= months <= sanction.max_months:
            problems.append(
                Problem(
                    "months",
                    _("A closure under %(article)s lasts %(min)s to %(max)s months.")
                    % {
                        "article": sanction.article,
                        "min": sanction.min_months,
                        "max": sanction.max_months,
                    },
                    (sanction.article,),
                )
            )
    elif months:
        problems.append(Problem("months", _("Only a closure has a length in months.")))
    if sanction.needs_deadline and rectify_by is None:
        problems.append(
            Problem("rectify_by", _("Set the rectification deadline."), (sanction.article,))
        )
    if rectify_by is not None and rectify_by < date:
        problems.append(Problem("rectify_by", _("The deadline cannot be before the sanction.")))
    return problems


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------- tips and rewards


@dataclass(frozen=True)
class Reward:
    yuan: int
    lines: tuple[tuple[str, int, int], ...]  # (tariff code, quantity, yuan)
    capped: bool
    basis: tuple[str, ...]


def reward_amount(
    policy: EnforcementPolicy, quantities: dict[str, float], *, special: bool = False
) -> Reward:
    """The tariff's amount for what the tip led to, within the national bounds (not below the
    minimum, not above the maximum; the special maximum for a special contribution)."""
    lines = []
    total = 0
    for code, quantity in quantities.items():
        item = policy.tariff_item(code)
        if item is None:
            raise ValueError(code)
        if quantity <= 0:
            continue
        units = quantity / 100 if item.per == "hundred_plants" else quantity
        amount = round(item.base_yuan + units * item.yuan)
        lines.append((code, quantity, amount))
        total += amount
    bounds = policy.rewards
    ceiling = bounds.special_max_yuan if special else bounds.max_yuan
    capped = total > ceiling or (0 < total < bounds.min_yuan)
    if total > 0:
        total = max(bounds.min_yuan, min(total, ceiling))
    return Reward(total, tuple(lines), capped, (bounds.article,))


def add_working_days(
    start: datetime.date, days: int, is_workday: Callable[[datetime.date], bool | None]
) -> tuple[datetime.date, bool]:
    """The ``days``-th working day after ``start``, and whether the calendar knew every day
    on the way (an unknown year falls back to Monday–Friday and says so)."""
    day, counted, known = start, 0, True
    while counted < days:
        day += datetime.timedelta(days=1)
        answer = is_workday(day)
        if answer is None:
            known = False
            answer = day.weekday() < 5
        if answer:
            counted += 1
    return day, known


def notify_due(
    policy: EnforcementPolicy,
    solved_date: datetime.date,
    is_workday: Callable[[datetime.date], bool | None],
) -> tuple[datetime.date, bool]:
    """禁毒举报奖励办法: tell the reporter within 15 working days of the case being solved."""
    return add_working_days(solved_date, policy.rewards.notify_working_days, is_workday)


def claim_due(policy: EnforcementPolicy, notified_on: datetime.date) -> datetime.date:
    """The reporter claims within 2 months of being told."""
    return add_months(notified_on, policy.rewards.claim_months)


# ---------------------------------------------------------------- figures and targets


def change_pct(value, previous) -> float | None:
    """Year-on-year change in per cent, one decimal; None when last year had nothing."""
    if previous in (None, 0):
        return None
    return round((float(value) - float(previous)) / float(previous) * 100, 1)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: float
    denominator: float | None
    value: float | None
    target: float
    met: bool | None
    is_target: bool
    own: bool
    article: str
    definition: str


def indicator(policy: EnforcementPolicy, code: str, numerator, denominator) -> Indicator:
    """One target's figure. Reductions: value = change in per cent against last year
    (denominator); nothing last year → met when nothing this year. Zero targets: value =
    the count. Participation: per 10,000 residents (denominator = residents), or a share of
    cases (denominator = cases)."""
    target = policy.target(code)
    if code in ("outbound_trafficking_reduction", "outbound_seizure_reduction"):
        value = change_pct(numerator, denominator)
        met = (float(numerator) == 0) if value is None else value <= target.target
    elif code in ("zero_planting", "zero_production"):
        value = float(numerator)
        met = value <= target.target
    elif code == "tip_participation":
        value = round(float(numerator) / float(denominator) * 10000, 2) if denominator else None
        met = None if value is None else _compare(value, target)
    elif code == "tip_case_share":
        value = round(float(numerator) / float(denominator) * 100, 1) if denominator else None
        met = None if value is None else _compare(value, target)
    else:
        raise ValueError(code)
    return Indicator(
        code,
        target.name,
        float(numerator),
        None if denominator is None else float(denominator),
        value,
        target.target,
        met,
        target.is_target,
        target.own,
        target.article,
        target.definition,
    )


def _compare(value: float, target) -> bool:
    return value <= target.target if target.direction == "at_most" else value >= target.target
