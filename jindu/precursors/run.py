"""The closed loop over many enterprises at once: reconciliation and the period flags as
set-based SQL (one statement per rule per month), idempotent and with memory that does not
grow with the data — the rows never come into Python.

Reconciliation, per enterprise × substance × month: the movements of the month are
aggregated once (``GROUP BY``); the opening is the last count before the month plus what
moved after it, found per pair through the ``(enterprise, chemical, date)`` index by
correlated subqueries (portable between PostgreSQL and SQLite, unlike ``LATERAL``). The
month's rows are replaced (``DELETE`` + ``INSERT … SELECT``), so a second run writes the
same rows. Flags are ``INSERT … SELECT … ON CONFLICT (key) DO NOTHING``: a flag's key names
its occasion, so a run raises each flag once and never reopens a closed one.

The rules are ``rules.py``'s (the tests check both agree); here they are asked of every
row at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core.scoping import require_office

from . import rules
from .models import FlagStatus
from .policy import county_policy, national_policy

LEDGER = "precursors_ledgerentry"
CHEMICAL = "precursors_chemical"
FLAG = "precursors_flag"
RECON = "precursors_reconciliation"
ENTERPRISE = "precursors_enterprise"
REPORT = "precursors_annualreport"


def _in(values) -> str:
    # Codes from the validated rule book (lower-case identifiers), never user input.
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _add_days(column: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"({column} + {int(days)})"
    return f"date({column}, '+{int(days)} days')"


def _month_of(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column})"


def _signed(law) -> str:
    return (
        f"CASE WHEN m.movement IN {_in(law.inbound)} THEN m.quantity "
        f"WHEN m.movement IN {_in(law.outbound)} THEN -m.quantity ELSE 0 END"
    )


def months(date_from: datetime.date, date_to: datetime.date):
    """The calendar months the period touches, as (period, first day, last day)."""
    day = date_from.replace(day=1)
    while day <= date_to:
        last = rules.add_months(day, 1) - datetime.timedelta(days=1)
        yield day.strftime("%Y-%m"), day, last
        day = last + datetime.timedelta(days=1)


EPOCH = datetime.date(1900, 1, 1)  # before any ledger: "no count yet" as a range bound


def reconciliation_sql(law, *, one_pair: bool = False) -> str:
    """The reconciliation of a period as one SELECT (params: d0, d1, d0, d0, d0, …).

    With ``one_pair`` it is restricted to one enterprise and substance (the API's
    reconciliation of any period); otherwise every pair that moved in the period."""
    pair = "AND enterprise_id = %(enterprise)s AND chemical_id = %(chemical)s" if one_pair else ""
    same = "m.enterprise_id = q.enterprise_id AND m.chemical_id = q.chemical_id"
    base = (
        f"FROM {LEDGER} b WHERE b.enterprise_id = p.enterprise_id "
        "AND b.chemical_id = p.chemical_id AND b.movement = 'stock_count' AND b.date < %(d0)s "
        "ORDER BY b.date DESC, b.id DESC LIMIT 1"
    )
    # Each step is MATERIALIZED: the caller names ``counted`` and ``opening`` several times,
    # and an inlined subquery would repeat its correlated lookups once per mention.
    return f"""
WITH p AS MATERIALIZED (
  SELECT enterprise_id, chemical_id,
    COALESCE(SUM(CASE WHEN movement IN {_in(law.inbound)} THEN quantity END), 0) AS qty_in,
    COALESCE(SUM(CASE WHEN movement IN {_in(law.outbound)} THEN quantity END), 0) AS qty_out,
    COALESCE(SUM(CASE WHEN movement = 'purchase' THEN quantity END), 0) AS purchased,
    MAX(CASE WHEN movement = 'stock_count' THEN date END) AS counted_on
  FROM {LEDGER}
  WHERE date >= %(d0)s AND date <= %(d1)s {pair}
  GROUP BY enterprise_id, chemical_id
),
q AS MATERIALIZED (
  SELECT p.*, (SELECT b.date {base}) AS base_date, (SELECT b.quantity {base}) AS base_qty
  FROM p
),
r AS MATERIALIZED (
  SELECT q.enterprise_id, q.chemical_id, q.qty_in, q.qty_out, q.counted_on, q.purchased,
    COALESCE(q.base_qty, 0) + COALESCE((
      SELECT SUM({_signed(law)}) FROM {LEDGER} m
      WHERE {same} AND m.date < %(d0)s AND m.movement <> 'stock_count'
        AND m.date > COALESCE(q.base_date, %(epoch)s)), 0) AS opening,
    (SELECT m.quantity FROM {LEDGER} m
      WHERE {same} AND m.movement = 'stock_count' AND m.date = q.counted_on
      ORDER BY m.id DESC LIMIT 1) AS counted,
    COALESCE((
      SELECT SUM({_signed(law)}) FROM {LEDGER} m
      WHERE {same} AND m.date >= %(d0)s AND m.date <= q.counted_on
        AND m.movement <> 'stock_count'), 0) AS net_to_count
  FROM q
)
SELECT * FROM r"""


def reconcile_pair(enterprise_id: int, chemical_id: int, date_from, date_to) -> rules.Balance:
    """One enterprise's reconciliation of one substance over any period (the API)."""
    law, county = national_policy(), county_policy()
    sql = reconciliation_sql(law, one_pair=True)
    params = {
        "d0": date_from,
        "d1": date_to,
        "enterprise": enterprise_id,
        "chemical": chemical_id,
        "epoch": EPOCH,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        # Nothing moved in the period: the stock is what it was at its start.
        with connection.cursor() as cursor:
            cursor.execute(_opening_only_sql(law), params)
            opening = Decimal(str(cursor.fetchone()[0] or 0))
        return rules.Balance(
            opening, Decimal(0), Decimal(0), opening, None, None, None, None,
            (law.movements_article, county.reconciliation_article),
        )  # fmt: skip
    _e, _c, qty_in, qty_out, counted_on, _purchased, opening, counted, net_to_count = row
    opening, qty_in, qty_out = (Decimal(str(v or 0)) for v in (opening, qty_in, qty_out))
    difference = reconciled = None
    if counted is not None:
        counted = Decimal(str(counted))
        difference = counted - (opening + Decimal(str(net_to_count or 0)))
        reconciled = abs(difference) <= county.tolerance
    if isinstance(counted_on, str):
        counted_on = datetime.date.fromisoformat(counted_on)
    return rules.Balance(
        opening=opening,
        qty_in=qty_in,
        qty_out=qty_out,
        expected_closing=opening + qty_in - qty_out,
        counted=counted,
        counted_on=counted_on,
        difference=difference,
        reconciled=reconciled,
        basis=(law.movements_article, county.reconciliation_article),
    )


def _opening_only_sql(law) -> str:
    base = (
        f"FROM {LEDGER} b WHERE b.enterprise_id = %(enterprise)s AND b.chemical_id = "
        "%(chemical)s AND b.movement = 'stock_count' AND b.date < %(d0)s "
        "ORDER BY b.date DESC, b.id DESC LIMIT 1"
    )
    return f"""
SELECT COALESCE((SELECT b.quantity {base}), 0) + COALESCE((
  SELECT SUM({_signed(law)}) FROM {LEDGER} m
  WHERE m.enterprise_id = %(enterprise)s AND m.chemical_id = %(chemical)s
    AND m.date < %(d0)s AND m.movement <> 'stock_count'
    AND m.date > COALESCE((SELECT b.date {base}), %(epoch)s)), 0)"""


@dataclass
class RunResult:
    reconciled: int = 0
    flags: dict[str, int] = field(default_factory=dict)

    @property
    def flags_raised(self) -> int:
        return sum(self.flags.values())


def _params(params: dict) -> dict:
    # SQLite's adapter sends a Decimal as text, and text compares above every number there.
    if connection.vendor == "sqlite":
        return {k: float(v) if isinstance(v, Decimal) else v for k, v in params.items()}
    return params


def _execute(sql: str, params: dict) -> int:
    params = _params(params) or None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _reconcile_month(law, county, period, d0, d1) -> int:
    q = connection.ops.quote_name
    _execute(f"DELETE FROM {RECON} WHERE period = %(period)s", {"period": period})
    sql = f"""
INSERT INTO {RECON} (enterprise_id, chemical_id, period, date_from, date_to, opening, qty_in,
  qty_out, purchased, expected_closing, counted, counted_on, difference, reconciled, policy_id)
SELECT r.enterprise_id, r.chemical_id, %(period)s, %(d0)s, %(d1)s, r.opening, r.qty_in,
  r.qty_out, r.purchased, r.opening + r.qty_in - r.qty_out, r.counted, r.counted_on,
  r.counted - (r.opening + r.net_to_count),
  CASE WHEN r.counted IS NULL THEN NULL
       ELSE ABS(r.counted - (r.opening + r.net_to_count)) <= %(tolerance)s END,
  %(policy)s
FROM ({reconciliation_sql(law)}) r"""
    del q
    return _execute(
        sql,
        {
            "period": period,
            "d0": d0,
            "d1": d1,
            "epoch": EPOCH,
            "tolerance": county.tolerance,
            "policy": f"{law.id}+{county.id}",
        },
    )


FLAG_COLUMNS = (
    "rule, basis, enterprise_id, chemical_id, period, entry_id, counterparty_id, amount, "
    '"limit", ref_date, key, status, raised_on, due_date, raised_at, outcome, note, '
    "case_reference, policy_id"
)


def _insert_flags(select: str, params: dict, common: dict) -> int:
    """``select`` yields rule, basis, enterprise_id, chemical_id, period, entry_id,
    counterparty_id, amount, limit, ref_date, key; the rest is the run's (SQLite needs
    the WHERE to tell the upsert from a join)."""
    sql = f"""
INSERT INTO {FLAG} ({FLAG_COLUMNS})
SELECT s.rule, s.basis, s.enterprise_id, s.chemical_id, s.period, s.entry_id,
  s.counterparty_id, s.amount, s.lim, s.ref_date, s.key, %(status)s, %(raised_on)s,
  %(due_date)s, %(raised_at)s, '', '', '', %(policy)s
FROM ({select}) s
WHERE 1 = 1
ON CONFLICT (key) DO NOTHING"""
    return _execute(sql, {**params, **common})


def _flag_selects(law, county, period: str, d0, d1, as_of) -> dict[str, tuple[str, dict]]:
    window = county.window_days
    month = _month_of("s.date")
    selects: dict[str, tuple[str, dict]] = {}
    selects["stock_mismatch"] = (
        f"""SELECT 'stock_mismatch' AS rule, %(b_stock)s AS basis, r.enterprise_id,
  r.chemical_id, r.period, CAST(NULL AS BIGINT) AS entry_id,
  CAST(NULL AS BIGINT) AS counterparty_id, r.difference AS amount,
  %(tolerance)s AS lim, r.counted_on AS ref_date,
  'stock_mismatch:' || r.enterprise_id || ':' || r.chemical_id || ':' || r.period AS key
FROM {RECON} r WHERE r.period = %(period)s AND r.counted IS NOT NULL
  AND ABS(r.difference) > %(tolerance)s""",
        {"b_stock": "、".join((law.movements_article, county.reconciliation_article))},
    )
    deadline = (
        "CASE c.category "
        + " ".join(
            f"WHEN '{cat}' THEN {_add_days('s.date', days)}"
            for cat, (days, _a) in law.sales_filing.items()
        )
        + " END"
    )
    selects["late_filing"] = (
        f"""SELECT 'late_filing' AS rule, %(b_filing)s AS basis, t.enterprise_id, t.chemical_id,
  t.period, t.id AS entry_id, t.counterparty_id, t.quantity AS amount, CAST(NULL AS NUMERIC) AS lim,
  t.deadline AS ref_date, 'late_filing:' || t.id AS key
FROM (SELECT s.id, s.enterprise_id, s.chemical_id, s.counterparty_id, s.quantity, s.filed_on,
        {month} AS period, {deadline} AS deadline
      FROM {LEDGER} s JOIN {CHEMICAL} c ON c.id = s.chemical_id
      WHERE s.movement = 'sale' AND s.date >= %(d0)s AND s.date <= %(d1)s
        AND c.category IN ('1', '2', '3')) t
WHERE (t.filed_on IS NOT NULL AND t.filed_on > t.deadline)
   OR (t.filed_on IS NULL AND t.deadline < %(as_of)s)""",
        {"b_filing": law.sales_filing["1"][1]},
    )
    selects["unmatched_sale"] = (
        f"""SELECT 'unmatched_sale' AS rule, %(b_match)s AS basis, s.enterprise_id, s.chemical_id,
  {month} AS period, s.id AS entry_id, s.counterparty_id, s.quantity AS amount,
  CAST(NULL AS NUMERIC) AS lim,
  {_add_days("s.date", window)} AS ref_date, 'unmatched_sale:' || s.id AS key
FROM {LEDGER} s
WHERE s.movement IN ('sale', 'transfer_out') AND s.counterparty_id IS NOT NULL
  AND s.date >= %(d0_match)s AND s.date <= %(d1)s AND {_add_days("s.date", window)} < %(as_of)s
  AND NOT EXISTS (
    SELECT 1 FROM {LEDGER} p
    WHERE p.enterprise_id = s.counterparty_id AND p.chemical_id = s.chemical_id
      AND p.movement IN ('purchase', 'transfer_in') AND p.counterparty_id = s.enterprise_id
      AND p.quantity = s.quantity AND p.date >= s.date
      AND p.date <= {_add_days("s.date", window)})""",
        {"b_match": county.matching_article, "d0_match": d0 - datetime.timedelta(days=window)},
    )
    # From the stored monthly reconciliations (written just before, and by earlier runs):
    # the history is 12 rows per pair instead of a year of ledger lines.
    history_from = rules.add_months(d0, -county.history_months).strftime("%Y-%m")
    selects["unusual_purchase"] = (
        f"""SELECT 'unusual_purchase' AS rule, %(b_unusual)s AS basis, cur.enterprise_id,
  cur.chemical_id, %(period)s AS period, CAST(NULL AS BIGINT) AS entry_id,
  CAST(NULL AS BIGINT) AS counterparty_id, cur.purchased AS amount,
  %(factor)s * hist.total / hist.months AS lim, CAST(NULL AS DATE) AS ref_date,
  'unusual_purchase:' || cur.enterprise_id || ':' || cur.chemical_id || ':' || %(period)s AS key
FROM {RECON} cur
JOIN (SELECT enterprise_id, chemical_id, SUM(purchased) AS total, COUNT(*) AS months
      FROM {RECON} WHERE period >= %(h0)s AND period < %(period)s AND purchased > 0
      GROUP BY enterprise_id, chemical_id) hist
  ON hist.enterprise_id = cur.enterprise_id AND hist.chemical_id = cur.chemical_id
WHERE cur.period = %(period)s AND cur.purchased > 0 AND hist.months >= %(min_months)s
  AND cur.purchased > %(factor)s * hist.total / hist.months""",
        {
            "b_unusual": county.unusual_article,
            "h0": history_from,
            "factor": county.unusual_factor,
            "min_months": county.min_months,
        },
    )
    selects["ephedrine_repeat_buyer"] = (
        f"""SELECT 'ephedrine_repeat_buyer' AS rule, %(b_repeat)s AS basis, s.enterprise_id,
  MIN(s.chemical_id) AS chemical_id, %(period)s AS period, MAX(s.id) AS entry_id,
  CAST(NULL AS BIGINT) AS counterparty_id, b.n AS amount, %(repeat_limit)s AS lim,
  CAST(NULL AS DATE) AS ref_date,
  'ephedrine_repeat_buyer:' || s.buyer_id_hash || ':' || s.enterprise_id || ':' || %(period)s
    AS key
FROM {LEDGER} s
JOIN (SELECT buyer_id_hash, COUNT(*) AS n FROM {LEDGER} x JOIN {CHEMICAL} c ON c.id = x.chemical_id
      WHERE c.category = 'ephedrine_preparation' AND x.movement = 'sale'
        AND x.buyer_id_hash <> '' AND x.date >= %(d0)s AND x.date <= %(d1)s
      GROUP BY buyer_id_hash HAVING COUNT(*) > %(repeat_limit)s) b
  ON b.buyer_id_hash = s.buyer_id_hash
WHERE s.movement = 'sale' AND s.date >= %(d0)s AND s.date <= %(d1)s
GROUP BY s.buyer_id_hash, s.enterprise_id, b.n""",
        {
            "b_repeat": "、".join((county.repeat_article, "含麻复方制剂通知")),
            "repeat_limit": county.max_purchases_per_month,
        },
    )
    year = as_of.year - 1
    due = rules.annual_report_due(law, year)
    if as_of > due and d0 <= as_of:
        selects["missing_annual_report"] = (
            f"""SELECT 'missing_annual_report' AS rule, %(b_annual)s AS basis,
  e.id AS enterprise_id, CAST(NULL AS BIGINT) AS chemical_id, %(year)s AS period,
  CAST(NULL AS BIGINT) AS entry_id,
  CAST(NULL AS BIGINT) AS counterparty_id,
  CAST(NULL AS NUMERIC) AS amount, CAST(NULL AS NUMERIC) AS lim, %(annual_due)s AS ref_date,
  'missing_annual_report:' || e.id || ':' || %(year)s AS key
FROM {ENTERPRISE} e
WHERE e.is_active AND e.sector = 'chemical' AND e.registered_on <= %(year_end)s
  AND NOT EXISTS (SELECT 1 FROM {REPORT} a WHERE a.enterprise_id = e.id AND a.year = %(year_n)s
                  AND a.submitted_on <= %(annual_due)s)""",
            {
                "b_annual": law.annual_report_article,
                "year": str(year),
                "year_n": year,
                "annual_due": due,
                "year_end": datetime.date(year, 12, 31),
            },
        )
    return selects


def run_period(
    actor, date_from: datetime.date, date_to: datetime.date, *, as_of: datetime.date | None = None
) -> RunResult:
    """Reconcile every enterprise for each month of the period and raise the period flags.
    Idempotent: a second run with the same dates changes nothing (``as_of``, default today,
    decides which deadlines have passed)."""
    require_office(actor)
    law, county = national_policy(), county_policy()
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    common = {
        "status": FlagStatus.OPEN,
        "raised_on": as_of,
        "due_date": rules.flag_due(county, as_of),
        "raised_at": now,
        "policy": f"{law.id}+{county.id}",
    }
    result = RunResult()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The correlated subqueries make the planner's cost estimate large enough to
            # JIT-compile each statement, which costs seconds and saves nothing here.
            _execute("SET LOCAL jit = off", {})
            # The month's GROUP BY holds one row per enterprise × substance: a province's
            # 40,000 pairs fit in this much instead of spilling to disk in batches. A cap,
            # the server's, that does not grow with the ledger.
            _execute("SET LOCAL work_mem = '64MB'", {})
        for period, d0, d1 in months(date_from, date_to):
            d1 = min(d1, max(date_to, d0))
            result.reconciled += _reconcile_month(law, county, period, d0, d1)
            base = {"period": period, "d0": d0, "d1": d1, "as_of": as_of,
                    "tolerance": county.tolerance}  # fmt: skip
            for rule, (select, params) in _flag_selects(law, county, period, d0, d1, as_of).items():
                raised = _insert_flags(select, {**base, **params}, common)
                result.flags[rule] = result.flags.get(rule, 0) + max(raised, 0)
        audit.record(
            actor,
            AuditAction.CREATE,
            model_label="precursors.Flag",
            object_repr=f"precursor run {date_from}–{date_to}",
            changes={
                "reconciled": [None, result.reconciled],
                "flags": [None, result.flags],
                "as_of": [None, str(as_of)],
            },
        )
    if result.flags_raised:
        from .models import Flag
        from .notify import notify_flags

        # raised_on leads to an index; raised_at alone would scan every flag ever raised.
        notify_flags(
            Flag.objects.filter(raised_on=as_of, raised_at=now),
            run_key=f"{as_of}:{now.timestamp()}",
        )
    return result
