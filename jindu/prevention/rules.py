"""Prevention rules as plain functions: facts in, outcome and basis out (no ORM, no clock).

Everything a number depends on comes from the rule book (``PreventionPolicy``): activity kinds
and 六进 settings, key-date windows, fixture renewal cycles, the class-hour rule and the
school year, the survey's scales, and the three targets of 方案一（四）. The YAML tables in
``tests/cases/`` test these clause by clause.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .policy import KeyDate, PreventionPolicy

SCHOOL_YEAR = re.compile(r"(\d{4})-(\d{4})")


# ---------------------------------------------------------------- school years and class hours


def school_year_bounds(
    policy: PreventionPolicy, school_year: str
) -> tuple[datetime.date, datetime.date]:
    """First and last day of ``2019-2020``; ValueError for anything else."""
    match = SCHOOL_YEAR.fullmatch(school_year or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValueError(school_year)
    (sm, sd), (em, ed) = policy.class_hours.school_year_start, policy.class_hours.school_year_end
    return datetime.date(int(match[1]), sm, sd), datetime.date(int(match[2]), em, ed)


def school_year_of(policy: PreventionPolicy, day: datetime.date) -> str | None:
    """The school year ``day`` falls in (None in the summer holiday between two)."""
    for first in (day.year - 1, day.year):
        start, end = school_year_bounds(policy, f"{first}-{first + 1}")
        if start <= day <= end:
            return f"{first}-{first + 1}"
    return None


def required_hours(policy: PreventionPolicy, grade: int) -> int:
    """方案四（三）三是: at least ``min_hours`` a school year from grade 5 of primary school to
    grade 2 of senior high (grades count 1–12); 0 where the rule does not apply."""
    rule = policy.class_hours
    return rule.min_hours if rule.first_grade <= grade <= rule.last_grade else 0


@dataclass(frozen=True)
class ClassHoursOutcome:
    required: int
    recorded: float
    met: bool | None  # None where nothing is required
    basis: tuple[str, ...]


def class_hours(policy: PreventionPolicy, grade: int, recorded: float) -> ClassHoursOutcome:
    required = required_hours(policy, grade)
    return ClassHoursOutcome(
        required,
        float(recorded),
        None if required == 0 else recorded >= required,
        (policy.class_hours.article,),
    )


def check_lesson(
    policy: PreventionPolicy, *, school_year: str, day: datetime.date | None, hours
) -> dict[str, list[str]]:
    """Field errors of a lesson record (empty when it may be recorded)."""
    errors: dict[str, list[str]] = {}
    limit = policy.class_hours.max_hours_per_day
    if hours is None or hours <= 0 or hours > limit:
        errors["hours"] = [
            _("Class hours must be more than 0 and at most %(limit)g in a day.") % {"limit": limit}
        ]
    if day is None:
        errors["date"] = [_("Enter the date of the lesson.")]
    else:
        start, end = school_year_bounds(policy, school_year)
        if not start <= day <= end:
            errors["date"] = [
                _("The lesson is dated outside the school year %(year)s (%(start)s – %(end)s).")
                % {"year": school_year, "start": start, "end": end}
            ]
    return errors


def check_school_class(
    policy: PreventionPolicy, *, school_year: str, grade
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        school_year_bounds(policy, school_year)
    except ValueError:
        errors["school_year"] = [_("Write the school year as 2019-2020.")]
    if not isinstance(grade, int) or not 1 <= grade <= 12:
        errors["grade"] = [_("Grades count 1–12, from primary grade 1 to senior grade 3.")]
    return errors


# ---------------------------------------------------------------- activities


def check_activity(
    policy: PreventionPolicy,
    *,
    kind: str,
    setting: str = "",
    group: str = "",
    headcount,
    photo_sizes: tuple[int, ...] = (),
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    spec = policy.activity_kinds.get(kind)
    if spec is None:
        errors["kind"] = [_("Choose the kind of activity.")]
    else:
        settings = {s.code for s in policy.settings}
        if spec.needs_setting and setting not in settings:
            errors["setting"] = [_("Choose which of the six settings (六进) it went into.")]
        elif not spec.needs_setting and setting:
            errors["setting"] = [_("Only a 六进 activity has a setting.")]
        groups = {g.code for g in policy.high_risk_groups}
        if spec.needs_group and group not in groups:
            errors["group"] = [_("Choose the high-risk group taught.")]
        elif not spec.needs_group and group:
            errors["group"] = [_("Only a high-risk group session names a group.")]
    if headcount is None or headcount < 1:
        errors["headcount"] = [_("The head count must be at least 1.")]
    if len(photo_sizes) > policy.max_photos:
        errors["photos"] = [_("At most %(n)d photos.") % {"n": policy.max_photos}]
    elif any(size > policy.max_photo_bytes for size in photo_sizes):
        errors["photos"] = [
            _("A photo is larger than %(mb)g MB.") % {"mb": policy.max_photo_bytes / 1_000_000}
        ]
    return errors


def key_date_windows(
    policy: PreventionPolicy, year: int
) -> list[tuple[KeyDate, datetime.date, datetime.date]]:
    return [(k, *k.window(year)) for k in policy.key_dates.dates]


def key_date_period(key: KeyDate, year: int) -> str:
    """The obligation period of a key date: its day (``2019-06-26``)."""
    return key.on(year).isoformat()


def key_dates_covering(policy: PreventionPolicy, day: datetime.date) -> list[tuple[KeyDate, str]]:
    """Key dates whose window contains ``day`` (a window may straddle the new year)."""
    hits = []
    for year in (day.year - 1, day.year, day.year + 1):
        for key, start, end in key_date_windows(policy, year):
            if start <= day <= end:
                hits.append((key, key_date_period(key, year)))
    return hits


# ---------------------------------------------------------------- fixtures


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def fixture_current(
    policy: PreventionPolicy, kind: str, photographed_on: datetime.date, on: datetime.date
) -> bool:
    """A fixture is current from its dated photo until ``renew_months`` later (方案四（三）一是)."""
    cycle = policy.fixture_kinds[kind].renew_months
    return photographed_on <= on < add_months(photographed_on, cycle)


def fixture_renew_by(
    policy: PreventionPolicy, kind: str, photographed_on: datetime.date
) -> datetime.date:
    return add_months(photographed_on, policy.fixture_kinds[kind].renew_months)


# ---------------------------------------------------------------- survey


@dataclass(frozen=True)
class Scored:
    """One response's contribution to the rates (computed when it is recorded)."""

    satisfaction_answers: int
    satisfied: int
    awareness_answers: int
    aware: int


def check_answers(
    policy: PreventionPolicy, answers: dict
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Clean answers (question code → value 1…n) and field errors. Every question must be
    answered with a value of its scale; unknown questions are errors too."""
    clean: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    known = {q.code for q in policy.survey.questions}
    for code in answers:
        if code not in known:
            errors[code] = [_("There is no such question.")]
    for question in policy.survey.questions:
        raw = answers.get(question.code)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[question.code] = [_("Answer this question.")]
            continue
        if not 1 <= value <= len(question.scale):
            errors[question.code] = [
                _("The answer must be one of the %(n)d on the scale.") % {"n": len(question.scale)}
            ]
            continue
        clean[question.code] = value
    return clean, errors


def score_answers(policy: PreventionPolicy, answers: dict[str, int]) -> Scored:
    satisfaction = [q for q in policy.survey.questions if q.kind == "satisfaction"]
    awareness = [q for q in policy.survey.questions if q.kind == "awareness"]
    return Scored(
        sum(q.code in answers for q in satisfaction),
        sum(answers.get(q.code, 0) >= q.satisfied_from for q in satisfaction),
        sum(q.code in answers for q in awareness),
        sum(answers.get(q.code) in q.aware_values for q in awareness),
    )


@dataclass(frozen=True)
class SurveyResult:
    responses: int
    satisfaction_rate: float | None  # %, one decimal; None without answers
    awareness_rate: float | None
    min_sample: int
    sample_reached: bool
    basis: tuple[str, ...]


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def survey_result(
    policy: PreventionPolicy,
    *,
    responses: int,
    satisfaction_answers: int,
    satisfied: int,
    awareness_answers: int,
    aware: int,
    townships: int = 1,
) -> SurveyResult:
    """Rates over all answers to the satisfaction (awareness) questions: satisfied answers ÷
    satisfaction answers (第五条); the minimum sample is per township."""
    minimum = policy.survey.min_sample_per_township * max(townships, 1)
    return SurveyResult(
        responses,
        _rate(satisfied, satisfaction_answers),
        _rate(aware, awareness_answers),
        minimum,
        responses >= minimum,
        (policy.survey.article, policy.survey.evaluation_article),
    )


# ---------------------------------------------------------------- the three targets of 方案一（四）


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: int
    denominator: int
    value: float | None  # a percentage (or, for tips, per 10,000 residents); None: no data
    target: float | None
    met: bool | None
    basis: tuple[str, ...]
    definition: str = ""
    county_definition: bool = True
    no_data: bool = False
    extra: dict | None = None


@dataclass(frozen=True)
class VillageFacts:
    id: int
    activities: int = 0
    current_fixture: bool = False
    letter: bool = False
    liaison: bool = False


def _percentage(policy, code: str, numerator: int, denominator: int) -> Indicator:
    target = policy.targets[code]
    value = _rate(numerator, denominator)
    met = None if value is None else numerator * 100 >= (target.target or 0) * denominator
    return Indicator(
        code,
        target.name,
        numerator,
        denominator,
        value,
        target.target,
        met,
        (target.article,),
        target.definition,
        target.county_definition,
    )


def covered(policy: PreventionPolicy, v: VillageFacts) -> bool:
    return v.activities >= policy.targets["publicity_coverage"].min_activities and v.current_fixture


def mobilised(policy: PreventionPolicy, v: VillageFacts) -> bool:
    need = policy.targets["grassroots_mobilisation"].min_activities
    return v.letter and v.liaison and v.activities >= need


def publicity_coverage(policy: PreventionPolicy, villages: list[VillageFacts]) -> Indicator:
    return _percentage(
        policy, "publicity_coverage", sum(covered(policy, v) for v in villages), len(villages)
    )


def grassroots_mobilisation(policy: PreventionPolicy, villages: list[VillageFacts]) -> Indicator:
    return _percentage(
        policy,
        "grassroots_mobilisation",
        sum(mobilised(policy, v) for v in villages),
        len(villages),
    )


def tip_participation(
    policy: PreventionPolicy,
    *,
    tips: int | None,
    population: int | None,
    cases: int | None = None,
    cases_from_tips: int | None = None,
    previous_tips: int | None = None,
) -> Indicator:
    """Tips per ``per_residents`` residents (the Plan asks that it rise: met when it is above
    the same period a year before); ``tips`` None means no source of tips is installed."""
    target = policy.targets["tip_participation"]
    extra = {
        "cases": cases,
        "cases_from_tips": cases_from_tips,
        "cases_from_tips_rate": _rate(cases_from_tips or 0, cases or 0),
        "population": population,
        "previous_tips": previous_tips,
    }
    if tips is None or not population:
        return Indicator(
            target.code,
            target.name,
            tips or 0,
            population or 0,
            None,
            target.target,
            None,
            (target.article,),
            target.definition,
            target.county_definition,
            no_data=True,
            extra=extra,
        )
    value = round(tips * target.per_residents / population, 2)
    met = None if previous_tips is None else tips > previous_tips
    return Indicator(
        target.code,
        target.name,
        tips,
        population,
        value,
        target.target,
        met,
        (target.article,),
        target.definition,
        target.county_definition,
        extra=extra,
    )
