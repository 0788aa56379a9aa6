"""The three targets of 方案一（四） and class-hour compliance: the statements that count them.

One statement for the targets, whatever the unit: the villages of the unit's subtree that the
user may see, each with its activities in the period and whether it has a current fixture, a
letter and a liaison (the definitions of ``selectors._village_facts``, which the drill-down
lists use), counted, with the unit's population (``selectors.population_of``) beside them,
joined to the tip sources' one row (``providers.tip_count_sql``). One statement for the class
hours (``selectors.classes``' filters). Their shape is chosen for PostgreSQL at province
scale, beside the hand-written references in ``bench/prevention.py``:

- each village's facts and each class's hours are probes on per-row indexes (activities by
  village and date, lessons by class and hours, both index-only), so a county reads its own
  rows and no more; a class's hours are summed only where the rule applies;
- the scope is the Scope layer's queryset compiled into the statement (nothing to add for
  the office, which sees everything);
- written as SQL, not composed through the ORM: building the correlated subqueries, the
  population and the tips as querysets cost more in Python than the statement takes to run
  for a county (bench/README.md). The tests hold the figures to the ORM definitions, to the
  tip source's function form and to ``rules``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection

from jindu.core.scoping import VIEW, scope_for
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.supervision.models import ResponsibilityLetter

from .models import Activity, Fixture, Lesson, Liaison, Population, School, SchoolClass
from .providers import TIP_FIGURES

FIGURES = ("total", "publicity_coverage", "grassroots_mobilisation", "population")


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _seen(model, user, column: str) -> tuple[str, list] | None:
    """``column IN (…)`` keeping the rows to those ``user`` may see (``""``: all; None:
    none): the Scope layer's queryset for ``model``, compiled."""
    scope = scope_for(user)
    if not scope.may(VIEW, model):
        return None
    if scope.everything:
        return "", []
    try:
        sql, params = model.objects.restrict(user, VIEW).values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return f" AND {column} IN ({sql})", list(params)


def population_sql(unit, year: int) -> tuple[str, list]:
    """``selectors.population_of`` as a scalar: the unit's own latest figure (year ≤ ``year``,
    the registered before the resident of a year), else the sum of its townships' latest
    figures, NULL when there is none or they sum to 0."""
    figures, units = _t(Population), _t(OrgUnit)
    sql = (
        f"COALESCE((SELECT p.residents FROM {figures} p WHERE p.org_unit_id = %s AND p.year <= %s "
        "ORDER BY p.year DESC, p.kind LIMIT 1), "
        f"(SELECT NULLIF(SUM(p.residents), 0) FROM {figures} p "
        f"JOIN {units} u ON u.id = p.org_unit_id "
        "WHERE u.level = %s AND u.path LIKE %s AND p.year <= %s "
        # A township's latest figure: none of its figures is later, or of that year and first.
        f"AND NOT EXISTS (SELECT 1 FROM {figures} q WHERE q.org_unit_id = p.org_unit_id "
        "AND q.year <= %s AND (q.year > p.year OR (q.year = p.year AND q.kind < p.kind)))))"
    )
    return sql, [unit.pk, year, UnitLevel.TOWNSHIP, unit.path + "%", year, year]


def counts(
    user,
    unit,
    date_from,
    date_to,
    *,
    activities: tuple[int, int],
    fixture_kind: str,
    fresh_from,
    tip_sql: tuple[str, list] | None,
) -> dict:
    """``FIGURES`` (and, with ``tip_sql`` — the tip sources' one row —, ``TIP_FIGURES``) in
    one statement. ``activities``: the fewest activities for coverage and for mobilisation; a
    fixture is current when photographed after ``fresh_from`` and by the period's end."""
    seen = _seen(OrgUnit, user, "u.id")
    village_sql, village_params = ("", []) if seen is None else seen
    if seen is None:
        village_sql = " AND 1 = 0"
    activity, fixture, letter, liaison = (
        _t(m) for m in (Activity, Fixture, ResponsibilityLetter, Liaison)
    )
    # Each yes/no fact is a probe of one row on the village's index (a scalar subquery, not
    # EXISTS: PostgreSQL would hash the whole province's fixtures, letters and liaisons to
    # answer a county's 200 villages).
    facts = (
        "SELECT u.id, "
        f"(SELECT COUNT(a.village_id) FROM {activity} a WHERE a.village_id = u.id "
        "AND a.date >= %s AND a.date <= %s) AS n, "
        f"(SELECT 1 FROM {fixture} f WHERE f.org_unit_id = u.id AND f.kind = %s "
        "AND f.photographed_on > %s AND f.photographed_on <= %s LIMIT 1) AS fixture, "
        f"(SELECT 1 FROM {letter} l WHERE l.lower_unit_id = u.id "
        "AND l.year >= %s AND l.year <= %s LIMIT 1) AS letter, "
        f"(SELECT 1 FROM {liaison} p WHERE p.org_unit_id = u.id AND p.start_date <= %s "
        "AND (p.end_date IS NULL OR p.end_date >= %s) LIMIT 1) AS liaison "
        f"FROM {_t(OrgUnit)} u WHERE u.level = %s AND u.is_active = %s AND u.path LIKE %s"
        f"{village_sql}"
    )
    facts_params = [
        date_from,
        date_to,
        fixture_kind,
        fresh_from,
        date_to,
        date_from.year,
        date_to.year,
        date_to,
        date_from,
        UnitLevel.VILLAGE,
        True,
        unit.path + "%",  # paths are digits and slashes: nothing to escape for LIKE
        *village_params,
    ]
    population, population_params = population_sql(unit, date_to.year)
    # Kept a subquery of its own (PostgreSQL's OFFSET 0): pulled up into the sums, each
    # village's activities would be counted once for each target that names them.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    villages = (
        "SELECT COUNT(*) AS total, "
        "COALESCE(SUM(CASE WHEN v.n >= %s AND v.fixture = 1 THEN 1 ELSE 0 END), 0) AS coverage, "
        "COALESCE(SUM(CASE WHEN v.n >= %s AND v.letter = 1 AND v.liaison = 1 THEN 1 ELSE 0 END), "
        "0) "
        f"AS mobilisation, ({population}) AS population FROM ({facts}{fence}) v"
    )
    params = [*activities, *population_params, *facts_params]
    names = list(FIGURES)
    statement = villages
    if tip_sql is not None:
        statement = f"SELECT * FROM ({villages}) AS village_counts, ({tip_sql[0]}) AS tip_counts"
        params += tip_sql[1]
        names += TIP_FIGURES
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    # int(): a sum over several tip sources comes back as a decimal on PostgreSQL.
    return {name: None if v is None else int(v) for name, v in zip(names, row, strict=True)}


def class_hours_counts(user, *, unit, school_year: str, school, rule) -> dict:
    """The classes (of ``selectors.classes``' filters) that ``user`` may see, those the rule
    applies to and those of them with at least its hours: one statement. The hours are
    summed only where the rule applies (one index-only probe per such class)."""
    seen = _seen(SchoolClass, user, "c.id")
    if seen is None:
        return {"classes": 0, "required_classes": 0, "met": 0}
    joins, where, params = "", [f"1 = 1{seen[0]}"], list(seen[1])
    if school is not None:
        where.append("c.school_id = %s")
        params.append(school.pk)
    if school_year:
        where.append("c.school_year = %s")
        params.append(school_year)
    if unit is not None:
        # Joined (a class has one school): for a county the planner starts from its units'
        # schools; a semi-join on the schools cost a quarter more (bench/README.md).
        joins = f" JOIN {_t(School)} s ON s.id = c.school_id"
        if unit.level == UnitLevel.DEPARTMENT:
            where.append("s.supervisor_id = %s")
            params.append(unit.pk)
        else:
            joins += f" JOIN {_t(OrgUnit)} u ON u.id = s.org_unit_id"
            where.append("u.path LIKE %s")
            params.append(unit.path + "%")
    applies = "c.grade >= %s AND c.grade <= %s"
    grades = [rule.first_grade, rule.last_grade]
    sql = (
        "SELECT COUNT(*), "
        f"COALESCE(SUM(CASE WHEN {applies} THEN 1 ELSE 0 END), 0), "
        # Nested, so the hours are summed only where the rule applies.
        f"COALESCE(SUM(CASE WHEN {applies} THEN CASE WHEN COALESCE((SELECT SUM(l.hours) "
        f"FROM {_t(Lesson)} l WHERE l.school_class_id = c.id), 0) >= CAST(%s AS NUMERIC) "
        "THEN 1 ELSE 0 END "
        "ELSE 0 END), 0) "
        f"FROM {_t(SchoolClass)} c{joins} WHERE {' AND '.join(where)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*grades, *grades, Decimal(str(rule.min_hours)), *params])
        row = cursor.fetchone()
    return dict(zip(("classes", "required_classes", "met"), (int(v) for v in row), strict=True))
