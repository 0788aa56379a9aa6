"""The control rules of 《禁毒法》 and 《戒毒条例》 as pure functions.

Facts in, outcome and the article it rests on out; nothing here touches the database or the
clock (``on`` is always passed in). Every number comes from the control policy file
(policies/control/control-law.toml); the YAML tables in tests/cases/ test each clause.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jindu.policy.periods import add_months

from .policy import ControlPolicy

ONE_DAY = datetime.timedelta(days=1)

# ---------------------------------------------------------------- identity numbers (GB 11643)

ID_STANDARD = "GB 11643-1999"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdCheck:
    valid: bool
    number: str
    birth_date: datetime.date | None
    gender: str | None
    errors: tuple[str, ...]
    basis: tuple[str, ...] = (ID_STANDARD,)


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def check_id_number(
    value: str,
    *,
    gender: str | None = None,
    birth_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> IdCheck:
    """Validate an 18-digit citizen identity number: format, birth date, check digit; the
    birth date and sex it encodes (odd 17th digit: male) must agree with what was entered."""
    number = (value or "").strip().upper()
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        return IdCheck(
            False,
            number,
            None,
            None,
            (_("An identity number has 17 digits followed by a digit or X."),),
        )
    errors: list[str] = []
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
        errors.append(_("The birth date in the identity number is not a real date."))
    if born is not None and (born.year < 1900 or (today is not None and born > today)):
        errors.append(_("The birth date in the identity number is not plausible."))
    if check_digit(number[:17]) != number[17]:
        errors.append(_("The check digit of the identity number is wrong."))
    sex = "male" if int(number[16]) % 2 else "female"
    if gender and gender != sex:
        errors.append(_("The identity number belongs to a person of the other sex."))
    if birth_date and born and birth_date != born:
        errors.append(_("The birth date does not match the identity number."))
    return IdCheck(not errors, number, born, sex, tuple(errors))


# ---------------------------------------------------------------- reporting (条例第十四条)

PENDING, ON_TIME, LATE_EXCUSED, REFUSED = "pending", "on_time", "late_excused", "refused"


@dataclass(frozen=True)
class ReportOutcome:
    state: str
    due_date: datetime.date
    basis: tuple[str, ...]
    message: str


def report_due(policy: ControlPolicy, kind: str, decision_date: datetime.date) -> datetime.date:
    """The last day to report: ``report_days`` after the decision, counting from the next day."""
    order = policy.order_kind(kind)
    if not order.is_community:
        raise ValueError(f"{kind} has no reporting deadline")
    return decision_date + datetime.timedelta(days=order.report_days)


def report_state(
    policy: ControlPolicy,
    kind: str,
    decision_date: datetime.date,
    reported_date: datetime.date | None,
    *,
    on: datetime.date,
    good_reason: bool = False,
) -> ReportOutcome:
    """Whether a community order was reported to in time; a late report (or none) without a
    good reason counts as refusing community detox (条例第十四条; rehab 第三十八条)."""
    order = policy.order_kind(kind)
    due = report_due(policy, kind, decision_date)
    basis = (order.report_article,)
    if reported_date is not None and reported_date <= due:
        return ReportOutcome(ON_TIME, due, basis, _("Reported in time."))
    late = reported_date is not None or on > due
    if not late:
        return ReportOutcome(
            PENDING, due, basis, _("Must report by %(date)s.") % {"date": due.isoformat()}
        )
    if good_reason:
        return ReportOutcome(
            LATE_EXCUSED, due, basis, _("Reported late, with a good reason recorded.")
        )
    return ReportOutcome(
        REFUSED,
        due,
        basis,
        _("Not reported by %(date)s without a good reason: this counts as refusal.")
        % {"date": due.isoformat()},
    )


# ---------------------------------------------------------------- terms and their end


@dataclass(frozen=True)
class Term:
    start: datetime.date
    end: datetime.date
    months: int
    basis: tuple[str, ...]


def term_problems(
    policy: ControlPolicy, kind: str, term_months: int | None, extension_months: int = 0
) -> list[tuple[str, str, tuple[str, ...]]]:
    """What is wrong with a term as ordered: ``(field, message, basis)`` for each problem."""
    order = policy.order_kind(kind)
    problems = []
    if term_months is not None and not 1 <= term_months <= order.max_term_months:
        problems.append(
            (
                "term_months",
                _("The term of %(kind)s is at most %(months)s months.")
                % {"kind": order.name, "months": order.max_term_months},
                (order.term_article,),
            )
        )
    if extension_months:
        if not order.max_extension_months:
            problems.append(
                (
                    "extension_months",
                    _("This kind of order cannot be extended."),
                    (order.term_article,),
                )
            )
        elif not 0 < extension_months <= order.max_extension_months:
            problems.append(
                (
                    "extension_months",
                    _("The extension is at most %(months)s months.")
                    % {"months": order.max_extension_months},
                    (order.extension_article,),
                )
            )
    return problems


def order_term(
    policy: ControlPolicy,
    kind: str,
    *,
    decision_date: datetime.date,
    reported_date: datetime.date | None = None,
    term_months: int | None = None,
    extension_months: int = 0,
    suspended_days: int = 0,
) -> Term | None:
    """When the term starts and ends. Community orders run from the report (条例第十四条),
    compulsory isolation from the decision (条例第二十七条, 禁毒法第四十七条); an unreported
    community order has no term yet (None). Suspension (中止) moves the end if the policy
    says so."""
    order = policy.order_kind(kind)
    start = reported_date if order.is_community else decision_date
    if start is None:
        return None
    months = (term_months or order.term_months) + (extension_months or 0)
    end = add_months(start, months)
    if policy.term_includes_start_day:
        end -= ONE_DAY
    basis = [order.term_article]
    if order.is_community:
        basis.append(policy.counting_article)
    if extension_months:
        basis.append(order.extension_article)
    if suspended_days and policy.suspension_extends_term:
        end += datetime.timedelta(days=suspended_days)
        basis.append(policy.suspension_article)
    return Term(start, end, months, tuple(dict.fromkeys(b for b in basis if b)))


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    basis: tuple[str, ...]
    message: str = ""
    date: datetime.date | None = None


def early_release(
    policy: ControlPolicy, *, decision_date: datetime.date, release_date: datetime.date
) -> Outcome:
    """Compulsory isolation may be released early only after a year (禁毒法第四十七条)."""
    order = policy.order_kind("compulsory_isolation")
    earliest = add_months(decision_date, order.early_release_after_months)
    basis = (order.term_article,)
    if release_date < earliest:
        return Outcome(
            False,
            basis,
            _("Early release is possible from %(date)s, after %(months)s months.")
            % {"date": earliest.isoformat(), "months": order.early_release_after_months},
            earliest,
        )
    return Outcome(True, basis, date=earliest)


def expiry_notice_due(
    policy: ControlPolicy, kind: str, end_date: datetime.date
) -> tuple[datetime.date, tuple[str, ...]] | None:
    """The day by which the township must be notified of the expiry (条例第二十三条, 第四十条)."""
    order = policy.order_kind(kind)
    if not order.expiry_notice_days:
        return None
    return end_date + datetime.timedelta(days=order.expiry_notice_days), (order.expiry_article,)


def transfer_report_due(policy: ControlPolicy, moved_on: datetime.date) -> datetime.date:
    """After a change of the place of execution, report within 15 days (条例第二十二条)."""
    return moved_on + datetime.timedelta(days=policy.transfer_report_days)


# ---------------------------------------------------------------- leave (条例第十九条)


@dataclass(frozen=True)
class LeaveRule:
    needs_approval: bool
    days: int
    basis: tuple[str, ...]


def leave_days(from_date: datetime.date, to_date: datetime.date) -> int:
    """Days away, both ends counted: from the 1st to the 3rd is 3 days."""
    return (to_date - from_date).days + 1


def leave_rule(
    policy: ControlPolicy, from_date: datetime.date, to_date: datetime.date
) -> LeaveRule:
    days = leave_days(from_date, to_date)
    return LeaveRule(days >= policy.leave_min_days, days, (policy.leave_article,))


@dataclass(frozen=True)
class LeaveFacts:
    """One absence from the county: ``approved`` leave (returned on ``returned_date``, or not
    yet) or an absence without approval (``approved`` False)."""

    from_date: datetime.date
    to_date: datetime.date
    approved: bool
    returned_date: datetime.date | None = None


def absences(leaves: list[LeaveFacts], on: datetime.date) -> tuple[int, int]:
    """``(times away without approval, days away without approval)`` up to ``on``.

    An absence without approval counts once with all its days; approved leave not returned
    from by its last day counts once, with the days after that last day (逾期未归)."""
    times, days = 0, 0
    for leave in leaves:
        if not leave.approved:
            end = min(leave.returned_date or leave.to_date, on)
            if end >= leave.from_date:
                times += 1
                days += leave_days(leave.from_date, end)
            continue
        back = leave.returned_date or on
        if back > leave.to_date:
            times += 1
            days += (min(back, on) - leave.to_date).days
    return times, days


# ---------------------------------------------------------------- serious breach (条例第二十条)


@dataclass(frozen=True)
class BreachFacts:
    refused_tests: int = 0
    missed_tests: int = 0
    unapproved_absences: int = 0
    days_away: int = 0


@dataclass(frozen=True)
class BreachReason:
    code: str  # "tests" | "absences" | "days_away"
    count: int
    threshold: int
    message: str


@dataclass(frozen=True)
class BreachOutcome:
    serious: bool
    reasons: tuple[BreachReason, ...]
    basis: tuple[str, ...]
    report_basis: tuple[str, ...]
    message: str


def serious_breach(policy: ControlPolicy, facts: BreachFacts) -> BreachOutcome:
    """条例第二十条: evading or refusing tests 3 times or more, leaving without approval 3
    times or more, or more than 30 days away in total. A serious breach must be reported to
    the police (第二十一条)."""
    rule = policy.breach
    reasons = []
    tests = facts.refused_tests + (facts.missed_tests if rule.counts_missed_tests else 0)
    if tests >= rule.refused_or_evaded_tests:
        reasons.append(
            BreachReason(
                "tests",
                tests,
                rule.refused_or_evaded_tests,
                _("Evaded or refused tests %(count)s times.") % {"count": tests},
            )
        )
    if facts.unapproved_absences >= rule.unapproved_absences:
        reasons.append(
            BreachReason(
                "absences",
                facts.unapproved_absences,
                rule.unapproved_absences,
                _("Left the county without approval %(count)s times.")
                % {"count": facts.unapproved_absences},
            )
        )
    if facts.days_away > rule.days_away_over:
        reasons.append(
            BreachReason(
                "days_away",
                facts.days_away,
                rule.days_away_over,
                _("Away without approval %(count)s days in total.") % {"count": facts.days_away},
            )
        )
    serious = bool(reasons)
    message = (
        _("Serious breach of the agreement: the responsible worker must report it to the police.")
        if serious
        else ""
    )
    return BreachOutcome(
        serious,
        tuple(reasons),
        (rule.article,),
        (rule.report_article,) if serious else (),
        message,
    )


# ---------------------------------------------------------------- escalation (禁毒法第三十八条)

APPLICABLE, NOT_APPLICABLE, MAY_WAIVE = "applicable", "not_applicable", "may_waive"


@dataclass(frozen=True)
class Exemption:
    state: str
    basis: tuple[str, ...]
    message: str = ""


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def isolation_exemption(
    policy: ControlPolicy,
    *,
    gender: str,
    birth_date: datetime.date | None,
    on: datetime.date,
    pregnant: bool = False,
    infant_birth_date: datetime.date | None = None,
) -> Exemption:
    """禁毒法第三十九条: not for pregnant women or women nursing their infant under one; may be
    waived under 16. Those people go to community detox with closer supervision."""
    basis = (policy.exemption_article,)
    if gender == "female" and pregnant:
        return Exemption(NOT_APPLICABLE, basis, _("Pregnant: compulsory isolation does not apply."))
    if (
        gender == "female"
        and infant_birth_date is not None
        and on < add_months(infant_birth_date, policy.nursing_infant_months)
    ):
        return Exemption(
            NOT_APPLICABLE,
            basis,
            _("Nursing an infant under one year: compulsory isolation does not apply."),
        )
    if birth_date is not None and age_on(birth_date, on) < policy.may_waive_under_age:
        return Exemption(
            MAY_WAIVE,
            basis,
            _("Under %(age)s: compulsory isolation may be waived.")
            % {"age": policy.may_waive_under_age},
        )
    return Exemption(APPLICABLE, ())


@dataclass(frozen=True)
class EscalationFacts:
    refused_community: bool = False
    drug_use_during: bool = False
    serious_breach: bool = False
    relapse_after_measures: bool = False


@dataclass(frozen=True)
class Proposal:
    """A proposal for a person to decide (the police decide compulsory isolation)."""

    to_kind: str
    grounds: tuple[str, ...]
    basis: tuple[str, ...]
    message: str
    exemption: Exemption | None = None


def escalation_proposal(
    policy: ControlPolicy, facts: EscalationFacts, exemption: Exemption | None = None
) -> Proposal | None:
    """禁毒法第三十八条第一款: on any of its four grounds, propose compulsory isolation; if
    第三十九条 rules it out, propose community detox under closer supervision instead."""
    esc = policy.escalation
    present = [g for g in esc.grounds if getattr(facts, g.code, False)]
    if not present:
        return None
    basis = tuple(f"{esc.article}{g.clause}" for g in present)
    names = "；".join(g.name for g in present)
    if exemption is not None and exemption.state == NOT_APPLICABLE:
        return Proposal(
            "community_detox",
            tuple(g.code for g in present),
            (*basis, *exemption.basis),
            _(
                "%(grounds)s — compulsory isolation does not apply: community detox with closer "
                "supervision."
            )
            % {"grounds": names},
            exemption,
        )
    return Proposal(
        esc.to_kind,
        tuple(g.code for g in present),
        basis,
        _("%(grounds)s — propose compulsory isolation to the police.") % {"grounds": names},
        exemption,
    )


# ---------------------------------------------------------------- test schedules


@dataclass(frozen=True)
class ScheduleWindow:
    number: int
    year: int
    start: datetime.date
    end: datetime.date


def schedule_windows(
    policy: ControlPolicy, kind: str, term_start: datetime.date, term_end: datetime.date
) -> list[ScheduleWindow]:
    """The windows of a term that each need one test, from the policy's table (order kind ×
    year of term → interval). A window cut short by the end of the term still needs a test."""
    windows: list[ScheduleWindow] = []
    for step in policy.schedule_for(kind):
        base = 12 * (step.year - 1)
        for k in range(12 // step.interval_months):
            start = add_months(term_start, base + k * step.interval_months)
            if start > term_end:
                return windows
            end = add_months(term_start, base + (k + 1) * step.interval_months) - ONE_DAY
            windows.append(ScheduleWindow(len(windows) + 1, step.year, start, min(end, term_end)))
    return windows


TESTED_RESULTS = ("negative", "positive")


@dataclass(frozen=True)
class WindowState:
    window: ScheduleWindow
    tested: bool
    overdue: bool


def schedule_state(
    windows: list[ScheduleWindow], tests: list[tuple[datetime.date, str]], on: datetime.date
) -> list[WindowState]:
    """Which windows have a test (negative or positive; a refused or missed test does not
    count) and which are overdue on ``on``."""
    dates = sorted(d for d, result in tests if result in TESTED_RESULTS)
    states = []
    for w in windows:
        tested = any(w.start <= d <= w.end for d in dates)
        states.append(WindowState(w, tested, not tested and on > w.end))
    return states


# ---------------------------------------------------------------- three clean years (条例第七条)


@dataclass(frozen=True)
class AbstinenceOutcome:
    eligible: bool
    clean_from: datetime.date | None
    eligible_on: datetime.date | None
    basis: tuple[str, ...]
    message: str


def abstinence(
    policy: ControlPolicy,
    *,
    measures_ended: datetime.date | None,
    measure_active: bool,
    positive_dates: list[datetime.date],
    on: datetime.date,
) -> AbstinenceOutcome:
    """戒断3年未复吸: 36 months from the end of the last measure (or the last positive test
    after it) without a positive test → no longer under dynamic control."""
    basis = (policy.abstinence_article,)
    if measure_active:
        return AbstinenceOutcome(False, None, None, basis, _("A measure is still running."))
    starts = [d for d in (measures_ended, *positive_dates) if d is not None]
    if measures_ended is None:
        return AbstinenceOutcome(
            False, None, None, basis, _("No measure has ended yet to count from.")
        )
    clean_from = max(starts)
    eligible_on = add_months(clean_from, policy.clean_months)
    if on >= eligible_on:
        return AbstinenceOutcome(
            True,
            clean_from,
            eligible_on,
            basis,
            _("Abstinent since %(date)s: leaves dynamic control; confirm.")
            % {"date": clean_from.isoformat()},
        )
    return AbstinenceOutcome(
        False,
        clean_from,
        eligible_on,
        basis,
        _("Three clean years are reached on %(date)s.") % {"date": eligible_on.isoformat()},
    )


# ---------------------------------------------------------------- the five targets (方案一（三）)


def as_of_date(date_to: datetime.date, today: datetime.date) -> datetime.date:
    """The one date every target is read on: the period's end, or today while the period
    runs (方案一（三）; the definitions in the plan's rule book say so each)."""
    return min(date_to, today)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: int
    denominator: int
    value: float | None  # a percentage, one decimal; None without a denominator
    target: float
    met: bool | None  # None: not applicable (nobody in the denominator)
    basis: tuple[str, ...]
    # Outside the denominator until their time has run out by the as-of date (community
    # orders decided in the last 15 days, not yet reported).
    pending: int = 0


def indicator(
    policy: ControlPolicy, code: str, numerator: int, denominator: int, pending: int = 0
) -> Indicator:
    target = policy.target(code)
    if denominator == 0:
        value, met = None, None
    else:
        value = round(100 * numerator / denominator, 1)
        met = numerator * 100 >= target.target * denominator
    return Indicator(
        code,
        target.name,
        numerator,
        denominator,
        value,
        target.target,
        met,
        (target.article,),
        pending,
    )


@dataclass(frozen=True)
class PersonFacts:
    """A person as they stood on the period's end date."""

    id: int
    status: str | None
    risk_level: str | None = None
    left_control: bool = False
    controlled: bool = False  # an active control assignment on the end date
    sick_disabled: bool = False
    admitted: bool = False
    isolation_executed: bool | None = None  # latest isolation order: executed? None: no order


@dataclass(frozen=True)
class OrderFacts:
    id: int
    person_id: int
    kind: str
    decision_date: datetime.date
    reported_date: datetime.date | None = None
    executed_date: datetime.date | None = None


def community_report_pending(
    due: datetime.date, reported_date: datetime.date | None, as_of: datetime.date
) -> bool:
    """Not reported by ``as_of`` while the 15 days (条例第十四条、第三十八条) have not run out
    on it: neither met nor failed yet."""
    return (reported_date is None or reported_date > as_of) and due >= as_of


def control_indicators(
    policy: ControlPolicy,
    persons: list[PersonFacts],
    orders: list[OrderFacts],
    date_from: datetime.date,
    date_to: datetime.date,
    *,
    today: datetime.date | None = None,
) -> list[Indicator]:
    """The five targets of 方案一（三） from plain facts (definitions in the policy file), read
    on the as-of date: ``date_to``, or ``today`` while the period runs. ``persons`` are the
    people who lived in the unit on that date, their facts as they stood on it; a report or
    an execution after it does not count, and a community order whose 15 days have not run
    out on it is pending: outside the denominator."""
    as_of = as_of_date(date_to, today or date_to)
    in_society = [p for p in persons if p.status == "in_society"]
    risky = [p for p in in_society if p.risk_level in ("medium", "high") and not p.left_control]
    sick = [p for p in in_society if p.sick_disabled]
    not_executed = [p for p in in_society if p.isolation_executed is False and not p.left_control]
    decided = [o for o in orders if date_from <= o.decision_date <= as_of]
    community, pending = [], 0
    for o in decided:
        if not policy.order_kind(o.kind).is_community:
            continue
        due = report_due(policy, o.kind, o.decision_date)
        if community_report_pending(due, o.reported_date, as_of):
            pending += 1
        else:
            community.append((o, due))
    isolation = [o for o in decided if o.kind == "compulsory_isolation"]
    return [
        indicator(
            policy,
            "medium_high_risk_control_rate",
            sum(p.controlled for p in risky),
            len(risky),
        ),
        indicator(
            policy,
            "community_execution_rate",
            sum(
                o.reported_date is not None and o.reported_date <= min(due, as_of)
                for o, due in community
            ),
            len(community),
            pending,
        ),
        indicator(
            policy,
            "compulsory_isolation_execution_rate",
            sum(o.executed_date is not None and o.executed_date <= as_of for o in isolation),
            len(isolation),
        ),
        indicator(policy, "sick_disabled_admission_rate", sum(p.admitted for p in sick), len(sick)),
        indicator(
            policy,
            "not_executed_control_rate",
            sum(p.controlled for p in not_executed),
            len(not_executed),
        ),
    ]
