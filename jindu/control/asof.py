"""The five targets of 方案一（三） as the records stood on one date: the statements.

A target for a period is what the records said on its as-of date — the period's end, or today
while the period runs (``as_of_date``). Every fact is read as of that date: the latest status,
risk assessment and compulsory isolation order dated on or before it, the assignments covering
it, reports and executions made by it, and the unit the person lived in on it (the residence
history: a person's first move after the date names where they lived then, ``from_unit``;
without one they still live where the person row says).

Two derived tables, whatever the number of people: one over persons (``person_facts``) and
one over the orders decided in the period (``order_facts``), each with one row per person or
order — its as-of unit and one 0/1 column per part of a target — that the
selectors sum (``control_kpis``), group by unit (the page's breakdown) or filter (the people
behind a number). Their shape is chosen for PostgreSQL at province scale:

- "the latest row per person" is one ordered pass over the covering index (``DISTINCT ON``,
  ``control_status_latest_idx``, ``control_risk_latest_idx``, ``control_order_latest_idx``),
  not an anti-join and not a probe per person; SQLite (the tests) numbers the rows instead;
- the scope — the user's jurisdiction from the Scope layer (``restrict``) and the unit's
  subtree on the as-of date — is one derived table (``WITH s``, read from the covering
  ``control_person_scope_idx`` and ``control_move_asof_idx``) pushed into every subquery that
  reads a person's rows, so a county reads its own rows only (the whole tree needs no push);
- the yes/no facts (an assignment covers the date, flagged sick, admitted) are joined once
  per person from grouped subqueries, never probed per row.

The hand-written reference the benchmark compares with lives in ``bench/control_reference.sql``
and is not used here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection

from jindu.core.scoping import VIEW, scope_for

from .models import (
    COMMUNITY_KINDS,
    ControlAssignment,
    ControlOrder,
    OrderKind,
    Person,
    PersonStatus,
    ResidenceChange,
    RiskAssessment,
    RiskLevel,
    SickDisabled,
    StatusChange,
)

PERSON_PARTS = (
    "medium_high_risk_control_rate__den",
    "medium_high_risk_control_rate__num",
    "sick_disabled_admission_rate__den",
    "sick_disabled_admission_rate__num",
    "not_executed_control_rate__den",
    "not_executed_control_rate__num",
)
ORDER_PARTS = (
    "community_execution_rate__den",
    "community_execution_rate__num",
    "community_execution_rate__pending",
    "compulsory_isolation_execution_rate__den",
    "compulsory_isolation_execution_rate__num",
)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _latest(table: str, columns: str, where: str, order: str) -> str:
    """Each person's latest row of ``table`` among those ``where`` selects, by ``order``
    (descending columns): one ordered pass over the covering index on PostgreSQL."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT DISTINCT ON (person_id) person_id, {columns} FROM {table} "
            f"WHERE {where} ORDER BY person_id, {order}"
        )
    return (
        f"SELECT person_id, {columns} FROM (SELECT person_id, {columns}, ROW_NUMBER() OVER "
        f"(PARTITION BY person_id ORDER BY {order}) AS n FROM {table} WHERE {where}) AS ranked "
        "WHERE n = 1"
    )


def _first_moves(end: datetime.date) -> tuple[str, list]:
    """Each person's first move after ``end``: its ``from_unit`` is where they lived on it."""
    moves = _t(ResidenceChange)
    order = "date, id"
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT DISTINCT ON (person_id) person_id, from_unit_id FROM {moves} "
            f"WHERE date > %s ORDER BY person_id, {order}"
        )
    else:
        sql = (
            "SELECT person_id, from_unit_id FROM (SELECT person_id, from_unit_id, ROW_NUMBER() "
            f"OVER (PARTITION BY person_id ORDER BY {order}) AS n FROM {moves} "
            "WHERE date > %s) AS ranked WHERE n = 1"
        )
    return sql, [end]


def _jurisdiction(user) -> tuple[str, list] | None:
    """The persons ``user`` may see, as SQL for ``person.id IN (…)``: ``("", [])`` when the
    user sees everyone, ``None`` when nobody. The Scope layer decides; this only compiles
    its queryset."""
    scope = scope_for(user)
    if not scope.may(VIEW, Person):
        return None
    if scope.everything:
        return "", []
    try:
        sql, params = Person.objects.restrict(user, VIEW).values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, list(params)


@dataclass(frozen=True)
class Facts:
    """A statement: the scope (``WITH s AS (…)``, the persons and their as-of unit) and a
    body selecting one row per person or order from it."""

    scope: str
    scope_params: list
    body: str
    body_params: list

    def select(self, outer: str, params=()) -> tuple[str, list]:
        """``outer`` reads the body as ``f``: ``SELECT … FROM f …``."""
        return (
            f"WITH s AS ({self.scope}), f AS ({self.body}) {outer}",
            [*self.scope_params, *self.body_params, *params],
        )


def _units(unit) -> list:
    """``unit`` or a list of units (the cockpit's refresh: many townships in one statement)."""
    return list(unit) if isinstance(unit, list | tuple) else [unit]


def scope_sql(user, unit, end: datetime.date) -> tuple[str, list] | None:
    """The persons of the subtree of ``unit`` (or of each unit of a list) on ``end`` whom
    ``user`` may see: ``id``, ``unit_id`` (where they lived on ``end``) and
    ``left_control_on``. ``None``: nobody."""
    jurisdiction = _jurisdiction(user)
    if jurisdiction is None:
        return None
    seen, seen_params = jurisdiction
    persons, units = _t(Person), connection.ops.quote_name("orgs_orgunit")
    moves, move_params = _first_moves(end)
    later = _t(ResidenceChange)
    narrowed = f" AND p.id IN ({seen})" if seen else ""
    # Two branches, each able to start from the subtree's units (the residence index): those
    # who have not moved since ``end`` live where the row says; the others where their first
    # move after ``end`` left from.
    prefixes = [u.path + "%" for u in _units(unit)]
    within = "(" + " OR ".join(["u.path LIKE %s"] * len(prefixes)) + ")"
    sql = (
        f"SELECT p.id, p.residence_unit_id AS unit_id, p.left_control_on FROM {persons} p "
        f"JOIN {units} u ON u.id = p.residence_unit_id WHERE {within}{narrowed} "
        f"AND NOT EXISTS (SELECT 1 FROM {later} m WHERE m.person_id = p.id AND m.date > %s) "
        "UNION ALL "
        f"SELECT p.id, m.from_unit_id AS unit_id, p.left_control_on FROM ({moves}) m "
        f"JOIN {units} u ON u.id = m.from_unit_id JOIN {persons} p ON p.id = m.person_id "
        f"WHERE {within}{narrowed}"
    )
    params = [*prefixes, *seen_params, end, *move_params, *prefixes, *seen_params]
    return sql, params


def _pushed(user, unit) -> str:
    """The condition that keeps a subquery to the scope's persons. Left out when the scope is
    everyone under a root (the office reading the whole tree): then every row is needed, one
    ordered pass reads them, and the join to the scope drops the rest — a hash of everyone
    to probe would only cost. Correctness never depends on it: the body joins the scope."""
    units = _units(unit)
    if len(units) == 1 and units[0].parent_id is None and scope_for(user).everything:
        return ""
    return " AND person_id IN (SELECT id FROM s)"


def person_facts(user, unit, end: datetime.date) -> Facts | None:
    """One row per person in scope on ``end`` in society on it: ``id``, ``unit_id`` and the
    six parts of the person-based targets (0/1). ``None``: nobody in scope."""
    scope = scope_sql(user, unit, end)
    if scope is None:
        return None
    within = _pushed(user, unit)
    latest_first = "date DESC, id DESC"
    statuses = _latest(_t(StatusChange), "status", "date <= %s" + within, latest_first)
    risks = _latest(_t(RiskAssessment), "level", "date <= %s" + within, latest_first)
    isolations = _latest(
        _t(ControlOrder),
        "executed_date",
        "kind = %s AND continues_id IS NULL AND decision_date <= %s" + within,
        "decision_date DESC, id DESC",
    )
    controlled = (
        f"SELECT DISTINCT person_id FROM {_t(ControlAssignment)} WHERE start_date <= %s "
        "AND (end_date IS NULL OR end_date >= %s)" + within
    )
    flagged = (
        "SELECT person_id, MAX(CASE WHEN admitted_date <= %s THEN 1 ELSE 0 END) AS admitted "
        f"FROM {_t(SickDisabled)} WHERE identified_date <= %s{within} GROUP BY person_id"
    )
    risky = f"rk.level IN ('{RiskLevel.MEDIUM}', '{RiskLevel.HIGH}')"
    under_control = "(s.left_control_on IS NULL OR s.left_control_on > %s)"
    pending = "(iso.executed_date IS NULL OR iso.executed_date > %s)"
    controlled_case = "CASE WHEN cv.person_id IS NOT NULL THEN 1 ELSE 0 END"
    risky_case = f"CASE WHEN {under_control} AND {risky} THEN 1 ELSE 0 END"
    not_executed_case = (
        f"CASE WHEN {under_control} AND iso.person_id IS NOT NULL AND {pending} THEN 1 ELSE 0 END"
    )
    body = (
        "SELECT s.id, s.unit_id, "
        f"{risky_case} AS medium_high_risk_control_rate__den, "
        f"{risky_case} * {controlled_case} AS medium_high_risk_control_rate__num, "
        "CASE WHEN fl.person_id IS NOT NULL THEN 1 ELSE 0 END "
        "AS sick_disabled_admission_rate__den, "
        "COALESCE(fl.admitted, 0) AS sick_disabled_admission_rate__num, "
        f"{not_executed_case} AS not_executed_control_rate__den, "
        f"{not_executed_case} * {controlled_case} AS not_executed_control_rate__num "
        f"FROM s JOIN ({statuses}) st ON st.person_id = s.id "
        f"LEFT JOIN ({risks}) rk ON rk.person_id = s.id "
        f"LEFT JOIN ({isolations}) iso ON iso.person_id = s.id "
        f"LEFT JOIN ({controlled}) cv ON cv.person_id = s.id "
        f"LEFT JOIN ({flagged}) fl ON fl.person_id = s.id "
        f"WHERE st.status = '{PersonStatus.IN_SOCIETY}'"
    )
    iso = OrderKind.COMPULSORY_ISOLATION
    # In the text's order: risk den 1, risk num 1, not executed den 2, num 2; the joins:
    # status 1, risk 1, isolation 2 (kind, date), assignment 2, flagged 2.
    params = [*[end] * 8, iso, end, end, end, end, end]
    return Facts(scope[0], scope[1], body, params)


def order_facts(user, unit, date_from: datetime.date, end: datetime.date) -> Facts | None:
    """One row per order decided from ``date_from`` to ``end`` for a person in scope on
    ``end`` (a resumed order is the same decision, not counted again): ``id``, ``person_id``,
    ``unit_id`` and the five parts of the order-based targets (0/1).

    A community order not reported by ``end`` whose 15 days have not run out by ``end``
    (``report_due`` ≥ ``end``) is *pending*: outside the denominator (条例第十四条、第三十八条)."""
    scope = scope_sql(user, unit, end)
    if scope is None:
        return None
    community = ", ".join(f"'{k}'" for k in COMMUNITY_KINDS)
    reported = "(o.reported_date IS NOT NULL AND o.reported_date <= %s)"
    is_pending = f"(o.kind IN ({community}) AND NOT {reported} AND o.report_due >= %s)"
    iso = f"'{OrderKind.COMPULSORY_ISOLATION}'"
    body = (
        "SELECT o.id, o.person_id, s.unit_id, "
        f"CASE WHEN o.kind IN ({community}) AND NOT {is_pending} THEN 1 ELSE 0 END "
        "AS community_execution_rate__den, "
        f"CASE WHEN o.kind IN ({community}) AND {reported} AND o.reported_date <= o.report_due "
        "THEN 1 ELSE 0 END AS community_execution_rate__num, "
        f"CASE WHEN {is_pending} THEN 1 ELSE 0 END AS community_execution_rate__pending, "
        f"CASE WHEN o.kind = {iso} THEN 1 ELSE 0 END AS compulsory_isolation_execution_rate__den, "
        f"CASE WHEN o.kind = {iso} AND o.executed_date <= %s THEN 1 ELSE 0 END "
        "AS compulsory_isolation_execution_rate__num "
        f"FROM {_t(ControlOrder)} o JOIN s ON s.id = o.person_id "
        "WHERE o.decision_date >= %s AND o.decision_date <= %s AND o.continues_id IS NULL"
    )
    params = [end, end, end, end, end, end, date_from, end]
    return Facts(scope[0], scope[1], body, params)


def counts_by_unit(
    user, unit, date_from: datetime.date, end: datetime.date
) -> dict[int, dict[str, int]]:
    """The same parts per as-of residence unit: one statement (``unit`` may be a list of
    units: the residence units of all their subtrees)."""
    persons, orders = person_facts(user, unit, end), order_facts(user, unit, date_from, end)
    if persons is None or orders is None:
        return {}
    parts = (*PERSON_PARTS, *ORDER_PARTS)
    by_person = ", ".join(f"SUM({p})" if p in PERSON_PARTS else "0" for p in parts)
    by_order = ", ".join(f"SUM({p})" if p in ORDER_PARTS else "0" for p in parts)
    sql = (
        f"WITH s AS ({persons.scope}), pf AS ({persons.body}), orf AS ({orders.body}) "
        f"SELECT unit_id, {by_person} FROM pf GROUP BY unit_id "
        f"UNION ALL SELECT unit_id, {by_order} FROM orf GROUP BY unit_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*persons.scope_params, *persons.body_params, *orders.body_params])
        rows = cursor.fetchall()
    result: dict[int, dict[str, int]] = {}
    for unit_id, *values in rows:
        counts = result.setdefault(unit_id, dict.fromkeys(parts, 0))
        for p, v in zip(parts, values, strict=True):
            counts[p] += int(v or 0)
    return result


def counts(user, unit, date_from: datetime.date, end: datetime.date) -> dict[str, int]:
    """Every part of the five targets (``<code>__den``, ``__num``, ``__pending``): one
    statement, the scope worked out once for persons and orders."""
    persons, orders = person_facts(user, unit, end), order_facts(user, unit, date_from, end)
    if persons is None or orders is None:
        return dict.fromkeys((*PERSON_PARTS, *ORDER_PARTS), 0)
    person_sums = ", ".join(f"COALESCE(SUM({p}), 0)" for p in PERSON_PARTS)
    order_sums = ", ".join(f"COALESCE(SUM({p}), 0)" for p in ORDER_PARTS)
    sql = (
        f"WITH s AS ({persons.scope}), pf AS ({persons.body}), orf AS ({orders.body}) "
        f"SELECT * FROM (SELECT {person_sums} FROM pf) AS a, "
        f"(SELECT {order_sums} FROM orf) AS b"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*persons.scope_params, *persons.body_params, *orders.body_params])
        row = cursor.fetchone()
    return {p: int(v) for p, v in zip((*PERSON_PARTS, *ORDER_PARTS), row, strict=True)}
