"""Read side of prevention, always through the scoping layer.

Class-hour compliance and the three targets are counted in the database (one aggregate per
question, whatever the number of classes or villages); ``rules`` computes the same from
plain facts and the tests hold the two together. Figures at province scale: bench/README.md.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from jindu.accounts.roles import Role
from jindu.core.scoping import VIEW, scope_for
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.supervision.models import ResponsibilityLetter

from . import providers, rules, targets
from .models import (
    Activity,
    Fixture,
    Lesson,
    Liaison,
    Population,
    School,
    SchoolClass,
    Survey,
    SurveyResponse,
)
from .policy import prevention_policy

UNBOUNDED = 2**63 - 1


def default_unit(user) -> OrgUnit | None:
    """The unit the targets open on: a township's own, the county for everyone else."""
    if scope_for(user).role == Role.TOWNSHIP:
        return user.unit
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


DRILL = ("numerator", "denominator", "gap")
VILLAGE_TARGETS = ("publicity_coverage", "grassroots_mobilisation")


@contextmanager
def _without_jit():
    """PostgreSQL's JIT compiles these aggregates for longer than they take to run."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


@dataclass(frozen=True)
class Period:
    unit: OrgUnit
    date_from: datetime.date
    date_to: datetime.date


def activities(
    user, *, unit: OrgUnit | None = None, kind: str = "", date_from=None, date_to=None
) -> QuerySet:
    rows = Activity.objects.restrict(user, VIEW).select_related("org_unit", "organiser")
    if unit is not None:
        rows = rows.filter(Q(org_unit__path__startswith=unit.path) | Q(organiser=unit))
    if kind:
        rows = rows.filter(kind=kind)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return rows


# ---------------------------------------------------------------- class hours


def _recorded_hours():
    return Coalesce(
        Subquery(
            # A plain SUM (no GROUP BY … LIMIT 1): one index-only probe per class.
            Lesson.objects.filter(school_class=OuterRef("pk"))
            .order_by()
            .values(total=Func(F("hours"), function="SUM")),
            output_field=DecimalField(max_digits=8, decimal_places=1),
        ),
        Value(0, output_field=DecimalField(max_digits=8, decimal_places=1)),
    )


def classes(user, *, school=None, school_year: str = "", unit: OrgUnit | None = None) -> QuerySet:
    rows = SchoolClass.objects.restrict(user, VIEW)
    if school is not None:
        rows = rows.filter(school=school)
    if school_year:
        rows = rows.filter(school_year=school_year)
    if unit is not None:
        # A supervising unit (the 教育局) asks for its schools; a place for the schools in it.
        if unit.level == UnitLevel.DEPARTMENT:
            rows = rows.filter(school__supervisor=unit)
        else:
            # A semi-join on the schools of the place: joining school and unit to every class
            # cost more than the classes themselves at province scale.
            rows = rows.filter(
                school__in=School.objects.filter(org_unit__path__startswith=unit.path).values("pk")
            )
    return rows


def class_hours(user, *, school=None, school_year: str = "", unit=None) -> QuerySet:
    """Classes with ``recorded`` hours; the rule (required, met) is applied per row by
    ``class_hours_rows``."""
    return (
        classes(user, school=school, school_year=school_year, unit=unit)
        .select_related("school")
        .annotate(recorded=_recorded_hours())
        .order_by("school__name", "grade", "name", "pk")
    )


def class_hours_rows(rows) -> list[dict]:
    policy = prevention_policy()
    result = []
    for c in rows:
        outcome = rules.class_hours(policy, c.grade, float(c.recorded))
        result.append(
            {
                "school_class": c.pk,
                "school": c.school_id,
                "school_name": c.school.name,
                "name": c.name,
                "school_year": c.school_year,
                "grade": c.grade,
                "required": outcome.required,
                "recorded": outcome.recorded,
                "met": outcome.met,
            }
        )
    return result


def class_hours_summary(user, *, unit=None, school_year: str = "", school=None) -> dict:
    """How many of ``classes``' classes the rule applies to and how many met it: one
    statement (``targets``)."""
    rule = prevention_policy().class_hours
    with _without_jit():
        counts = targets.class_hours_counts(
            user, unit=unit, school_year=school_year, school=school, rule=rule
        )
    total = counts["classes"]
    required, met = counts["required_classes"], counts["met"]
    return {
        "classes": total,
        "required_classes": required,
        "met": met,
        "rate": None if not required else round(100 * met / required, 1),
        "basis": [rule.article],
    }


# ---------------------------------------------------------------- the three targets


def villages_in(user, unit: OrgUnit) -> QuerySet:
    return OrgUnit.objects.restrict(user, VIEW).filter(
        level=UnitLevel.VILLAGE, is_active=True, path__startswith=unit.path
    )


def _village_facts(user, unit: OrgUnit, date_from, date_to, *, villages=None) -> QuerySet:
    policy = prevention_policy()
    coverage = policy.targets["publicity_coverage"]
    fixture_kind = policy.fixture_kinds[coverage.fixture_kind]
    fresh_from = rules.add_months(date_to, -fixture_kind.renew_months)
    activity_count = Coalesce(
        Subquery(
            Activity.objects.filter(village=OuterRef("pk"), date__gte=date_from, date__lte=date_to)
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            # Counting the indexed column lets PostgreSQL answer from the index alone.
            .annotate(n=Count("village"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )
    return (villages if villages is not None else villages_in(user, unit)).annotate(
        activities=activity_count,
        current_fixture=Exists(
            Fixture.objects.filter(
                org_unit=OuterRef("pk"),
                kind=fixture_kind.code,
                photographed_on__gt=fresh_from,
                photographed_on__lte=date_to,
            )
        ),
        letter=Exists(
            ResponsibilityLetter.objects.filter(
                lower_unit=OuterRef("pk"), year__gte=date_from.year, year__lte=date_to.year
            )
        ),
        liaison=Exists(
            Liaison.objects.filter(org_unit=OuterRef("pk"), start_date__lte=date_to).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=date_from)
            )
        ),
    )


def _village_conditions() -> dict[str, Q]:
    policy = prevention_policy()
    return {
        "publicity_coverage": Q(
            activities__gte=policy.targets["publicity_coverage"].min_activities,
            current_fixture=True,
        ),
        "grassroots_mobilisation": Q(
            letter=True,
            liaison=True,
            activities__gte=policy.targets["grassroots_mobilisation"].min_activities,
        ),
    }


def population_of(unit: OrgUnit, year: int) -> int | None:
    """The office's figure for the unit (latest year ≤ ``year``), else the sum of its
    townships' latest figures; one query either way."""
    own = Population.objects.filter(org_unit=unit, year__lte=year).order_by("-year", "kind").first()
    if own is not None:
        return own.residents
    latest: dict[int, int] = {}
    for township_id, count in (
        Population.objects.filter(
            org_unit__path__startswith=unit.path,
            org_unit__level=UnitLevel.TOWNSHIP,
            year__lte=year,
        )
        .order_by("org_unit_id", "-year", "kind")
        .values_list("org_unit_id", "residents")
    ):
        latest.setdefault(township_id, count)
    return sum(latest.values()) or None


def _year_before(date_from, date_to):
    """The same period a year before (the tips' comparison), or None from a 29 February."""
    try:
        return date_from.replace(year=date_from.year - 1), date_to.replace(year=date_to.year - 1)
    except ValueError:
        return None


def prevention_kpis(user, unit: OrgUnit, date_from, date_to) -> list[rules.Indicator]:
    """The three targets of 方案一（四） for ``unit``'s subtree over the period: one statement
    (``targets``) where the tip sources offer their counts as SQL, as the installed one does."""
    policy = prevention_policy()
    coverage = policy.targets["publicity_coverage"]
    fixture_kind = policy.fixture_kinds[coverage.fixture_kind]
    earlier = _year_before(date_from, date_to)
    tip_sql = providers.tip_count_sql(user, unit, date_from, date_to, earlier)
    with _without_jit():
        counts = targets.counts(
            user,
            unit,
            date_from,
            date_to,
            activities=(
                coverage.min_activities,
                policy.targets["grassroots_mobilisation"].min_activities,
            ),
            fixture_kind=fixture_kind.code,
            fresh_from=rules.add_months(date_to, -fixture_kind.renew_months),
            tip_sql=tip_sql,
        )
    previous = None
    if tip_sql is not None:
        tips = providers.TipCounts(counts["tips"], counts["cases"], counts["cases_from_tips"])
        previous = counts["previous_tips"]
    else:
        tips = providers.tip_counts(user, unit, date_from, date_to)
        if tips is not None and earlier is not None:
            before = providers.tip_counts(user, unit, *earlier)
            previous = before.tips if before is not None else None
    return [
        rules._percentage(policy, code, counts[code], counts["total"]) for code in VILLAGE_TARGETS
    ] + [
        rules.tip_participation(
            policy,
            tips=None if tips is None else tips.tips,
            population=counts["population"],
            cases=None if tips is None else tips.cases,
            cases_from_tips=None if tips is None else tips.cases_from_tips,
            previous_tips=previous,
        )
    ]


def prevention_kpis_for_units(
    user, units, date_from, date_to, *, codes=None
) -> dict[int, list[rules.Indicator]]:
    """``prevention_kpis`` of each of ``units`` (the cockpit's refresh of many townships) in
    a few grouped queries: the same village facts, counted for every unit of the list whose
    subtree holds the village; the tips by the source's grouped form. ``codes``: only these
    targets (the units above the townships need tip participation alone, and the village
    facts of a whole province are the costly part)."""
    from jindu.orgs.subtrees import owners_of, subtrees_q

    units = list({u.pk: u for u in units}.values())
    owners = owners_of(units)
    policy = prevention_policy()
    conditions = _village_conditions()
    counts = {u.pk: dict.fromkeys(("total", *conditions), 0) for u in units}
    wanted = [c for c in VILLAGE_TARGETS if codes is None or c in codes]
    if wanted:
        villages = OrgUnit.objects.restrict(user, VIEW).filter(
            subtrees_q(units, "path"), level=UnitLevel.VILLAGE, is_active=True
        )
        facts = _village_facts(user, None, date_from, date_to, villages=villages)
        with _without_jit():
            sides = [("total", facts), *((c, facts.filter(conditions[c])) for c in wanted)]
            for key, rows in sides:
                for path in rows.order_by().values_list("path", flat=True):
                    for pk in owners(path):
                        counts[pk][key] += 1
    tips = providers.tip_counts_for_units(user, units, date_from, date_to)
    previous = None
    earlier = _year_before(date_from, date_to)
    if tips is not None and earlier is not None:
        previous = providers.tip_counts_for_units(user, units, *earlier)
    populations = populations_of(units, date_to.year)
    result = {}
    for u in units:
        c = counts[u.pk]
        t = None if tips is None else tips[u.pk]
        before = None if previous is None else previous[u.pk].tips
        result[u.pk] = [rules._percentage(policy, code, c[code], c["total"]) for code in wanted] + [
            rules.tip_participation(
                policy,
                tips=None if t is None else t.tips,
                population=populations[u.pk],
                cases=None if t is None else t.cases,
                cases_from_tips=None if t is None else t.cases_from_tips,
                previous_tips=before,
            )
        ]
    return result


def populations_of(units, year: int) -> dict[int, int | None]:
    """``population_of`` of each unit in two queries."""
    from jindu.orgs.subtrees import owners_of, subtrees_q

    own: dict[int, int] = {}
    for unit_id, residents in (
        Population.objects.filter(org_unit__in=units, year__lte=year)
        .order_by("org_unit_id", "-year", "kind")
        .values_list("org_unit_id", "residents")
    ):
        own.setdefault(unit_id, residents)
    rest = [u for u in units if u.pk not in own]
    latest: dict[str, int] = {}
    if rest:
        for path, count in (
            Population.objects.filter(
                subtrees_q(rest, "org_unit__path"),
                org_unit__level=UnitLevel.TOWNSHIP,
                year__lte=year,
            )
            .order_by("org_unit_id", "-year", "kind")
            .values_list("org_unit__path", "residents")
        ):
            latest.setdefault(path, count)
    sums = {u.pk: 0 for u in rest}
    owners = owners_of(rest)
    for path, count in latest.items():
        for pk in owners(path):
            sums[pk] += count
    return {u.pk: own[u.pk] if u.pk in own else (sums[u.pk] or None) for u in units}


def kpi_villages(user, unit: OrgUnit, date_from, date_to, code: str, which: str) -> QuerySet:
    """The villages behind a target's numerator, denominator or gap."""
    facts = _village_facts(user, unit, date_from, date_to)
    condition = _village_conditions()[code]
    if which == "numerator":
        return facts.filter(condition)
    if which == "gap":
        return facts.exclude(condition)
    return facts


# ---------------------------------------------------------------- the survey


def survey_results(user, survey: Survey, unit: OrgUnit | None = None) -> dict:
    from .services import survey_policy

    policy = survey_policy(survey)
    rows = SurveyResponse.objects.restrict(user, VIEW).filter(survey=survey)
    if unit is not None:
        rows = rows.filter(org_unit__path__startswith=unit.path)
    sums = ("satisfaction_answers", "satisfied", "awareness_answers", "aware")
    by_unit = list(
        rows.order_by()
        .values("org_unit", "org_unit__name", "org_unit__code")
        .annotate(responses=Count("pk"), **{f: Sum(f) for f in sums})
        .order_by("org_unit__code")
    )
    total = {f: sum(r[f] or 0 for r in by_unit) for f in sums}
    overall = rules.survey_result(
        policy, responses=sum(r["responses"] for r in by_unit), townships=len(by_unit) or 1, **total
    )
    units = []
    for r in by_unit:
        result = rules.survey_result(
            policy, responses=r["responses"], **{f: r[f] or 0 for f in sums}
        )
        units.append(
            {
                "org_unit": r["org_unit"],
                "name": r["org_unit__name"],
                "responses": result.responses,
                "satisfaction_rate": result.satisfaction_rate,
                "awareness_rate": result.awareness_rate,
                "min_sample": survey.min_sample,
                "sample_reached": result.responses >= survey.min_sample,
            }
        )
    return {
        "survey": survey.pk,
        "responses": overall.responses,
        "satisfaction_rate": overall.satisfaction_rate,
        "awareness_rate": overall.awareness_rate,
        "min_sample": survey.min_sample,
        "basis": list(overall.basis),
        "by_unit": units,
    }


def survey_figure_for_unit(org_unit: OrgUnit, year: int):
    """The latest survey of ``year`` with answers for the township: (survey, outcome)."""
    policy = prevention_policy()
    township = org_unit if org_unit.level == UnitLevel.TOWNSHIP else org_unit.township()
    if township is None:
        return None
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    for survey in Survey.objects.filter(period_start__lte=end, period_end__gte=start).order_by(
        "-period_end", "-pk"
    ):
        sums = SurveyResponse.objects.filter(survey=survey, org_unit=township).aggregate(
            responses=Count("pk"),
            satisfaction_answers=Sum("satisfaction_answers"),
            satisfied=Sum("satisfied"),
            awareness_answers=Sum("awareness_answers"),
            aware=Sum("aware"),
        )
        if not sums["responses"]:
            continue
        result = rules.survey_result(policy, **{k: v or 0 for k, v in sums.items()})
        if result.satisfaction_rate is None:
            continue
        return survey, {
            "item": policy.survey.evaluation_item,
            "responses": result.responses,
            "satisfaction_rate": result.satisfaction_rate,
            "sample_reached": result.responses >= survey.min_sample,
            "basis": result.basis,
        }
    return None
