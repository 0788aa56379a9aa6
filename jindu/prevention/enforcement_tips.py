"""The enforcement area's tips as the source of 方案一（四）'s participation indicator.

Prevention sits above enforcement, so it reads the tips itself (enforcement cannot import
prevention) and registers this source at start-up (``providers.register_tip_source``).
Counts are taken within the user's enforcement jurisdiction, like enforcement's own targets.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, OuterRef

from jindu.enforcement.access import enforcement_scope
from jindu.enforcement.models import Case, Tip
from jindu.enforcement.selectors import in_scope
from jindu.orgs.models import OrgUnit

from .providers import TipCounts, register_tip_source


def tip_counts(user, unit, date_from, date_to) -> TipCounts:
    tips = in_scope(Tip.objects.all(), user, "org_unit__path", "station__path").filter(
        org_unit__path__startswith=unit.path,
        received_date__gte=date_from,
        received_date__lte=date_to,
    )
    cases = in_scope(Case.objects.all(), user, "org_unit__path").filter(
        org_unit__path__startswith=unit.path,
        solved_date__gte=date_from,
        solved_date__lte=date_to,
    )
    from_tips = cases.filter(Exists(Tip.objects.filter(case=OuterRef("pk"))))
    return TipCounts(tips.count(), cases.count(), from_tips.count())


def _within(model, user, alias: str, *lookups: str) -> tuple[str, list] | None:
    """The condition keeping ``alias``'s rows to the user's enforcement jurisdiction (``""``
    when it is everything; None when it is nothing): ``in_scope``'s queryset, compiled."""
    scope = enforcement_scope(user)
    if scope.is_empty:
        return None
    if scope.everything:
        return "", []
    try:
        sql, params = (
            in_scope(model.objects.all(), user, *lookups).values("pk").query.sql_with_params()
        )
    except EmptyResultSet:
        return None
    return f" AND {alias}.id IN ({sql})", list(params)


def tip_count_sql(user, unit, date_from, date_to, previous) -> tuple[str, list]:
    """``tip_counts`` and the tips of the ``previous`` period (NULL without one) as one row of
    SQL (columns ``providers.TIP_FIGURES``), for the prevention targets to read in their one
    statement: the tips of both periods in one pass, the cases and those from a tip in one."""
    quote = connection.ops.quote_name
    tips, cases, units = (quote(m._meta.db_table) for m in (Tip, Case, OrgUnit))
    seen_tips = _within(Tip, user, "t", "org_unit__path", "station__path")
    seen_cases = _within(Case, user, "c", "org_unit__path")
    prefix = unit.path + "%"  # paths are digits and slashes: nothing to escape for LIKE
    current = "(t.received_date >= %s AND t.received_date <= %s)"
    before = "(t.received_date >= %s AND t.received_date <= %s)"
    if seen_tips is None:
        tip_sql, tip_params = "SELECT 0 AS tips, CAST(NULL AS INTEGER) AS previous_tips", []
        if previous is not None:
            tip_sql = "SELECT 0 AS tips, 0 AS previous_tips"
    else:
        periods = [date_from, date_to]
        previous_sql = "CAST(NULL AS INTEGER)"
        either = current
        if previous is not None:
            previous_sql = f"COUNT(CASE WHEN {before} THEN 1 END)"
            either = f"({current} OR {before})"
            periods += list(previous)
        tip_sql = (
            f"SELECT COUNT(CASE WHEN {current} THEN 1 END) AS tips, "
            f"{previous_sql} AS previous_tips "
            f"FROM {tips} t JOIN {units} u ON u.id = t.org_unit_id "
            f"WHERE u.path LIKE %s AND {either}{seen_tips[0]}"
        )
        tip_params = [*periods, prefix, *periods, *seen_tips[1]]
    if seen_cases is None:
        case_sql, case_params = "SELECT 0 AS cases, 0 AS cases_from_tips", []
    else:
        case_sql = (
            "SELECT COUNT(*) AS cases, COUNT(CASE WHEN EXISTS (SELECT 1 FROM "
            f"{tips} lt WHERE lt.case_id = c.id) THEN 1 END) AS cases_from_tips "
            f"FROM {cases} c JOIN {units} u ON u.id = c.org_unit_id "
            f"WHERE u.path LIKE %s AND c.solved_date >= %s AND c.solved_date <= %s"
            f"{seen_cases[0]}"
        )
        case_params = [prefix, date_from, date_to, *seen_cases[1]]
    return (
        "SELECT tp.tips, cs.cases, cs.cases_from_tips, tp.previous_tips "
        f"FROM ({tip_sql}) tp, ({case_sql}) cs",
        [*tip_params, *case_params],
    )


def tip_counts_for_units(user, units, date_from, date_to) -> dict[int, TipCounts]:
    """``tip_counts`` of each unit in three grouped queries (the cockpit's refresh)."""
    from jindu.orgs.subtrees import owners_of, subtrees_q

    units = list({u.pk: u for u in units}.values())
    owners = owners_of(units)
    totals = {u.pk: [0, 0, 0] for u in units}
    tips = in_scope(Tip.objects.all(), user, "org_unit__path", "station__path").filter(
        subtrees_q(units, "org_unit__path"),
        received_date__gte=date_from,
        received_date__lte=date_to,
    )
    cases = in_scope(Case.objects.all(), user, "org_unit__path").filter(
        subtrees_q(units, "org_unit__path"),
        solved_date__gte=date_from,
        solved_date__lte=date_to,
    )
    from_tips = cases.filter(Exists(Tip.objects.filter(case=OuterRef("pk"))))
    for i, rows in enumerate((tips, cases, from_tips)):
        for path, n in (
            rows.values("org_unit__path").annotate(n=Count("pk")).values_list("org_unit__path", "n")
        ):
            for pk in owners(path):
                totals[pk][i] += n
    return {pk: TipCounts(*t) for pk, t in totals.items()}


def register() -> None:
    register_tip_source(
        "enforcement.tips", tip_counts, for_units=tip_counts_for_units, as_sql=tip_count_sql
    )
