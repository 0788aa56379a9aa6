"""The results statistics' monthly rollup (战果统计): per township and closed month, every
figure the enforcement tables give (cases by offence and flag, suspects, seizures by drug
type, the heroin equivalent, gangs, dens by kind) as narrow rows in ``ResultsCell``.

Why: a province's statistics joined a million seizures and 600,000 suspects to their cases
twice per period (about 2 s at scale 1, bench/enforcement.py); summing ≈1M narrow rows per
code is a fraction of that, and a county's 20 townships read a few hundred rows. Only whole
months that are over are rolled up; the rest of a period (this month, a period starting or
ending mid-month) is counted live from the records, so the figures are the same as counting
everything live (tests/test_rollup.py compares the two).

Freshness is exact, not nightly: every service that writes a case or its suspects, seizures,
gangs or dens marks the case's township and month stale in its own transaction
(``mark_stale``, an upsert of a ``ResultsStale`` row), and a read first recounts the marked
townships of the months it needs, under those rows' locks (``ensure``) — a writer waits for
a recount in progress, and a recount either waits for a writer in progress or does not see
its row and leaves it for the next read, so no write is ever missed. A month's recount after
one write is one township's (milliseconds at a province's scale), not the month's. A month
never computed, or computed under other rule books (the counted offences, the flags), is
computed whole (``ResultsMonth``). The daily job does what is due, so that the first read
of the day does not have to.

The cells are computed by INSERT … SELECT from the ORM's own grouped queries, on SQLite
and PostgreSQL alike: the figures never pass through Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum, TextField, Value
from django.db.models.functions import Cast, Concat, TruncMonth
from django.utils import timezone

from jindu.policy.periods import add_months

from .codes import CaseKind
from .models import Case, Den, Gang, ResultsCell, ResultsMonth, ResultsStale, Seizure, Suspect
from .policy import enforcement_policy

# How far back the daily job keeps months fresh (this year and the last two: a period and
# the same period of the year before).
KEEP_YEARS = 3
# Recomputing this many months at once refreshes the planner's statistics of the cells.
ANALYZE_AFTER = 6


@contextmanager
def analytic_block(*, index_plans: bool = True):
    """On PostgreSQL, planner settings for a block of grouped reads, until the end of its
    transaction (``SET LOCAL``; the block opens one when the caller has none): the memory to
    group a province's rows in memory (hash aggregates) rather than spill sorts to disk; no
    JIT (compiling took longer than running); and index plans for the few days of a period
    that the rollup leaves to the records — a case's seizures through their index, not a
    hash of all million (the default ``random_page_cost`` of 4 is for spinning disks;
    docs/deploy.md sets 1.1, and this block does not depend on it)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")
        if index_plans:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
        yield


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after ``day``'s."""
    return add_months(month_start(day), 1)


def closed_months(
    date_from: datetime.date, date_to: datetime.date, today: datetime.date
) -> list[datetime.date]:
    """The months wholly inside [date_from, date_to] that ended before this month."""
    months = []
    day = month_start(date_from)
    if day < date_from:
        day = next_month(day)
    this_month = month_start(today)
    while day < this_month and next_month(day) - datetime.timedelta(days=1) <= date_to:
        months.append(day)
        day = next_month(day)
    return months


def live_ranges(
    date_from: datetime.date, date_to: datetime.date, months: list[datetime.date]
) -> list[tuple[datetime.date, datetime.date]]:
    """The parts of [date_from, date_to] the rolled-up ``months`` (contiguous) leave."""
    if not months:
        return [(date_from, date_to)] if date_from <= date_to else []
    first, after = months[0], next_month(months[-1])
    ranges = []
    if date_from < first:
        ranges.append((date_from, first - datetime.timedelta(days=1)))
    if after <= date_to:
        ranges.append((after, date_to))
    return ranges


def months_of(days: Iterable[datetime.date | None]) -> set[datetime.date]:
    return {month_start(day) for day in days if day is not None}


def mark_stale(*places: tuple[int | None, datetime.date | None]) -> None:
    """The (township id, 破案 date) pairs whose figures a write changed — a case's before
    and after. Called inside the writing service's transaction: the upsert takes the
    township-month row's lock, so a recomputation that holds it finishes first, and one
    starting later waits for this write to commit (or does not see the row and leaves it
    for the next read)."""
    now = timezone.now()
    rows = sorted({(month_start(day), unit) for unit, day in places if unit and day})
    if not rows:
        return
    ResultsStale.objects.bulk_create(
        [ResultsStale(month=month, org_unit_id=unit, marked_at=now) for month, unit in rows],
        update_conflicts=True,
        unique_fields=["month", "org_unit"],
        update_fields=["marked_at"],
    )


def ensure(months: Iterable[datetime.date]) -> None:
    """Bring ``months`` up to date: a month never computed, or computed under other rule
    books, is computed whole; in the others only the townships a write marked are
    recounted. Up-to-date months cost two indexed reads."""
    months = sorted(set(months))
    if not months:
        return
    key = rules_key(enforcement_policy())
    fresh = set(
        ResultsMonth.objects.filter(month__in=months, fresh=True, policy_id=key).values_list(
            "month", flat=True
        )
    )
    missing = [month for month in months if month not in fresh]
    if not missing and not ResultsStale.objects.filter(month__in=months).exists():
        return
    with transaction.atomic(), analytic_block():
        if missing:
            ResultsMonth.objects.bulk_create(
                [ResultsMonth(month=month) for month in missing], ignore_conflicts=True
            )
        # One recount of a month at a time, whole or in part: each rewrites the month's
        # whole-tree totals, and two at once would both insert them. Writers never take
        # these locks, so a writer waits for nothing here. Re-read under the lock: another
        # reader may have done the work while we waited.
        whole = [
            row.month
            for row in ResultsMonth.objects.select_for_update()
            .filter(month__in=months)
            .order_by("month")
            if not (row.fresh and row.policy_id == key)
        ]
        marked = list(
            ResultsStale.objects.select_for_update()
            .filter(month__in=months)
            .order_by("month", "org_unit_id")
            .values_list("pk", "month", "org_unit_id")
        )
        if whole:
            _recompute(whole, key)
        townships: dict[datetime.date, set[int]] = {}
        for _pk, month, unit in marked:
            if month not in whole:
                townships.setdefault(month, set()).add(unit)
        for month, units in sorted(townships.items()):
            _recompute([month], key, sorted(units))
        ResultsStale.objects.filter(pk__in=[pk for pk, _m, _u in marked]).delete()
        if len(whole) >= ANALYZE_AFTER and connection.vendor == "postgresql":
            # Many months at once (a first fill, new rule books): the planner's statistics
            # of the cells are far off until autovacuum gets there, and it would sort
            # 100,000s of rows it thinks are a few.
            cells = connection.ops.quote_name(ResultsCell._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {cells}")


def refresh(today: datetime.date | None = None) -> int:
    """The daily job: every closed month of the last ``KEEP_YEARS`` years made fresh.
    Returns how many months were looked at."""
    today = today or timezone.localdate()
    start = datetime.date(today.year - KEEP_YEARS + 1, 1, 1)
    months = closed_months(start, today, today)
    ensure(months)
    return len(months)


def rules_key(policy) -> str:
    """What a month's cells were counted under: the rule books' ids, and a digest of the
    rules the cells apply (the counted offences and the flags), so that a rule book edited
    without a new id still makes every month stale."""
    import hashlib

    applied = "|".join([*policy.counted_offence_codes(), "#", *policy.flag_codes()])
    return f"{policy.policy_ids}#{hashlib.sha256(applied.encode()).hexdigest()[:12]}"


def with_flags_text(cases: QuerySet) -> QuerySet:
    """Cases with their flags as JSON text, for ``has_flag``."""
    return cases.annotate(flags_text=Cast("flags", TextField()))


def has_flag(flag: str) -> Q:
    """A case (``with_flags_text``) carrying ``flag``: the codes are ASCII, so the JSON text
    holds them quoted. One spelling for the rollup and the live count."""
    return Q(flags_text__contains=f'"{flag}"')


def _recompute(months: list[datetime.date], key: str, townships: list[int] | None = None) -> None:
    """The cells of ``months`` (of ``townships`` only, when given) counted again, and the
    months' whole-tree totals summed again from the townships' cells."""
    policy = enforcement_policy()
    counted = policy.counted_offence_codes()

    def in_months(prefix: str = "") -> Q:
        condition = Q()
        for month in months:
            start, end = f"{prefix}solved_date__gte", f"{prefix}solved_date__lt"
            condition |= Q(**{start: month, end: next_month(month)})
        condition &= Q(**{f"{prefix}offence__in": counted})
        if townships is not None:
            condition &= Q(**{f"{prefix}org_unit_id__in": townships})
        return condition

    cases = Case.objects.filter(in_months())

    def case_rows(queryset: QuerySet) -> QuerySet:
        return queryset.annotate(m=TruncMonth("solved_date"), u=F("org_unit_id"))

    def child_rows(model) -> QuerySet:
        return model.objects.filter(in_months("case__")).annotate(
            m=TruncMonth("case__solved_date"), u=F("case__org_unit_id")
        )

    def literal(code: str) -> Value:
        return Value(code, output_field=TextField())

    def prefixed(prefix: str, field: str) -> Concat:
        return Concat(literal(prefix), F(field), output_field=TextField())

    # Each: rows grouped by month, township and code, with the figure as ``v``.
    selects = [
        case_rows(cases).values("m", "u", c=literal("cases_solved")).annotate(v=Count("pk")),
        case_rows(cases.filter(kind=CaseKind.CRIMINAL))
        .values("m", "u", c=literal("cases_solved_criminal"))
        .annotate(v=Count("pk")),
        case_rows(cases)
        .values("m", "u", c=prefixed("cases_solved:", "offence"))
        .annotate(v=Count("pk")),
    ]
    selects += [
        case_rows(with_flags_text(cases).filter(has_flag(flag)))
        .values("m", "u", c=literal(f"cases_flag:{flag}"))
        .annotate(v=Count("pk"))
        for flag in policy.flag_codes()
    ]
    selects += [
        child_rows(Suspect).values("m", "u", c=literal("suspects")).annotate(v=Count("pk")),
        child_rows(Seizure)
        .values("m", "u", c=prefixed("seizure_grams:", "drug_type"))
        .annotate(v=Sum("grams"))
        .filter(v__gt=0),
        child_rows(Seizure)
        .values("m", "u", c=prefixed("seizure_pills:", "drug_type"))
        .annotate(v=Sum("pills"))
        .filter(v__gt=0),
        child_rows(Seizure)
        .values("m", "u", c=literal("heroin_equivalent_grams"))
        .annotate(v=Sum("heroin_equivalent_grams"))
        .filter(v__gt=0),
        child_rows(Gang).values("m", "u", c=literal("gangs")).annotate(v=Count("pk")),
        child_rows(Den).values("m", "u", c=literal("dens")).annotate(v=Count("pk")),
        child_rows(Den).values("m", "u", c=prefixed("dens:", "kind")).annotate(v=Count("pk")),
    ]
    table = connection.ops.quote_name(ResultsCell._meta.db_table)
    ResultsCell.objects.filter(month__in=months, org_unit__isnull=True).delete()
    if townships is None:
        ResultsCell.objects.filter(month__in=months).delete()
    else:
        ResultsCell.objects.filter(month__in=months, org_unit_id__in=townships).delete()
    with connection.cursor() as cursor:
        for select in selects:
            sql, params = select.order_by().query.sql_with_params()
            # By the annotations' names: the SELECT's own column order is Django's business.
            cursor.execute(
                f"INSERT INTO {table} (month, org_unit_id, code, value) "
                f"SELECT q.m, q.u, q.c, q.v FROM ({sql}) AS q",
                params,
            )
        # The whole tree's totals per month and code (org_unit NULL): what a province's
        # statistics read instead of summing every township's rows.
        totals = (
            ResultsCell.objects.filter(month__in=months, org_unit__isnull=False)
            .values("month", "code")
            .annotate(v=Sum("value"))
            .order_by()
        )
        sql, params = totals.query.sql_with_params()
        cursor.execute(
            f"INSERT INTO {table} (month, org_unit_id, code, value) "
            f"SELECT q.month, NULL, q.code, q.v FROM ({sql}) AS q",
            params,
        )
    if townships is None:
        ResultsMonth.objects.filter(month__in=months).update(
            fresh=True, policy_id=key, computed_at=timezone.now()
        )
