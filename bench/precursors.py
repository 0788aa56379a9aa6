"""The precursor closed loop at province scale: the monthly run, one enterprise's
reconciliation, the lists, and the indicator against a hand-written SQL reference.

Usage:
    createdb -h 127.0.0.1 -U postgres jindu_bench_precursors
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jindu_bench_precursors \\
        .venv/bin/python bench/precursors.py [--scale 1.0] [--json FILE]

``--scale 1`` is the issue's province: 20,000 enterprises and 10,000,000 ledger lines over
12 months (2,000 townships). ``--scale 0.05`` is 1,000 enterprises and 500,000 lines. The
first run at a scale migrates and fills the database (seeded; ``COPY``); a later run at the
same scale reuses it (``--fresh`` rebuilds). PostgreSQL only.

The monthly run is timed in a child process, so its peak memory is its own: the run is
set-based SQL, and the child's memory should not change with the scale.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from generate import peak_rss_kb, province, setup_django

HERE = Path(__file__).resolve().parent
MONTHS = 12
FIRST = datetime.date(2025, 1, 1)
TARGET_ENTERPRISES = 20_000
TARGET_LINES = 10_000_000


def percentiles(timings: list[float]) -> dict:
    ordered = sorted(timings)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "n": len(ordered)}


def timed(call, runs: int, warm: int = 2) -> dict:
    for i in range(warm):
        call(i)
    timings = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


# ---------------------------------------------------------------- the data


def generate(scale: float, seed: int = 1313) -> dict:
    from django.db import connection, transaction

    from jindu.accounts.models import User
    from jindu.orgs.models import OrgUnit
    from jindu.precursors import rules, services
    from jindu.precursors.models import Chemical, Enterprise, LedgerEntry

    rng = random.Random(seed)
    enterprises = max(int(TARGET_ENTERPRISES * scale), 20)
    lines = max(int(TARGET_LINES * scale), 10_000)
    townships = max(int(2000 * scale), 4)
    started = time.perf_counter()
    root = province(townships=townships, villages_per_township=2, member_units=10)
    services.load_catalogue(None)
    tships = list(OrgUnit.objects.filter(level="township").values_list("pk", flat=True))
    chemicals = list(Chemical.objects.filter(category__in=["2", "3"]).values_list("pk", flat=True))
    station = OrgUnit.objects.create(
        code="99P00001", name="基准派出所", kind="police_station", level="station",
        parent=root, path="",
    )  # fmt: skip
    station.path = f"{root.path}{station.pk}/"
    station.save(update_fields=["path"])
    station.covers.set(tships[:20])
    User.objects.create_user("bench-office", password="x", role="office_admin", unit=root)
    User.objects.create_user("bench-station", password="x", role="police_station", unit=station)
    now = datetime.datetime.now(datetime.UTC)
    # Each enterprise keeps two substances; per pair and month: purchases, uses, sales
    # (half of them to another registered enterprise, which enters the purchase), and a
    # month-end count that is right 97% of the time.
    per_pair_month = max(lines // (enterprises * 2 * MONTHS), 4)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY precursors_enterprise (name, credit_code, org_unit_id, sector, activities, "
            "address, contact_name, contact_phone, is_active, registered_on, created_at) "
            "FROM STDIN"
        ) as copy:
            for i in range(enterprises):
                body = f"91990000MA{i:07d}"[:17]
                copy.write_row((
                    f"基准企业{i}", body + rules.credit_check_character(body),
                    tships[i % len(tships)], "chemical", '["use", "trade"]', "", "", "",
                    True, datetime.date(2020, 1, 1), now,
                ))  # fmt: skip
        ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        pairs = [(e, chemicals[(k * 7 + j) % len(chemicals)]) for k, e in enumerate(ids)
                 for j in (0, 1)]  # fmt: skip
        written = 0
        with cursor.cursor.copy(
            "COPY precursors_ledgerentry (enterprise_id, date, chemical_id, movement, quantity,"
            " counterparty_id, counterparty_name, counterparty_licence, document_no, payment,"
            " stated_use, transport_licence, filed_on, prescribed, buyer_id_hash,"
            " buyer_id_masked, source, policy_id, created_at) FROM STDIN"
        ) as copy:
            serial = 0
            stocks: dict[tuple[int, int], Decimal] = {}
            for month in range(MONTHS):
                start = add_months(FIRST, month)
                for e, c in pairs:
                    stock = stocks.get((e, c), Decimal(0))
                    for n in range(per_pair_month - 1):
                        serial += 1
                        day = start + datetime.timedelta(days=n % 27)
                        kind = ("purchase", "use", "sale")[n % 3]
                        qty = Decimal(rng.randrange(5, 80))
                        if kind != "purchase":
                            qty = min(qty, stock)
                        stock += qty if kind == "purchase" else -qty
                        counterparty = None
                        name = "外地单位"
                        if kind == "sale" and n % 2 == 0:
                            counterparty, name = ids[rng.randrange(len(ids))], ""
                            if counterparty == e:
                                counterparty, name = None, "外地单位"
                        copy.write_row((
                            e, day, c, kind, qty, counterparty, name, "外备1", f"B{serial}",
                            "transfer" if kind != "use" else "", "", "",
                            day + datetime.timedelta(days=rng.choice((1, 3, 40))),
                            False, "", "", "import", "bench", now,
                        ))  # fmt: skip
                        written += 1
                    stocks[(e, c)] = stock
                    serial += 1
                    counted = stock if rng.random() < 0.97 else stock - 3
                    copy.write_row((
                        e, add_months(start, 1) - datetime.timedelta(days=1), c, "stock_count",
                        counted, None, "", "", f"B{serial}", "", "", "", None, False, "", "",
                        "import", "bench", now,
                    ))  # fmt: skip
                    written += 1

    del LedgerEntry
    with connection.cursor() as cursor:
        # As autovacuum would after the load: statistics, and the visibility map that lets
        # the run's lookups read the stock-count index alone.
        cursor.execute("VACUUM ANALYZE precursors_ledgerentry")
        cursor.execute("VACUUM ANALYZE precursors_enterprise")
    return {
        "enterprises": enterprises,
        "lines": written,
        "townships": townships,
        "seconds": round(time.perf_counter() - started, 1),
    }


# ---------------------------------------------------------------- measurements


def child_run(month: int) -> None:
    """In a child process: the province's run for one month (reconciliation and flags)."""
    setup_django()
    from django.urls import reverse

    from jindu.precursors import run

    # A worker that runs the month has its URLconf loaded already; a fresh process imports
    # every view module on the first reverse() (≈ 4 s on the shared machine), which is no
    # part of the run's cost and does not grow with the data.
    reverse("precursors:flags")
    start = add_months(FIRST, month)
    end = add_months(start, 1) - datetime.timedelta(days=1)
    started = time.perf_counter()
    result = run.run_period(None, start, end, as_of=add_months(start, 2))
    seconds = time.perf_counter() - started
    again = time.perf_counter()
    second = run.run_period(None, start, end, as_of=add_months(start, 2))
    print(json.dumps({
        "seconds": round(seconds, 2),
        "rerun_seconds": round(time.perf_counter() - again, 2),
        "reconciled": result.reconciled,
        "flags": result.flags,
        "rerun_new_flags": second.flags_raised,
        "peak_rss_mb": round(peak_rss_kb() / 1024, 1),
    }))  # fmt: skip


def monthly_run(month: int) -> dict:
    """The month's first run: what an earlier run of the same month wrote is removed first
    (its reconciliations and the flags of its period), so every measurement is a first run
    followed by a rerun, on the same data."""
    from django.db import connection, transaction

    period = add_months(FIRST, month).strftime("%Y-%m")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM precursors_flag WHERE period = %s", [period])
        cursor.execute("DELETE FROM precursors_reconciliation WHERE period = %s", [period])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE precursors_flag")
        cursor.execute("VACUUM ANALYZE precursors_reconciliation")
    env = dict(os.environ)
    output = subprocess.run(
        [sys.executable, str(HERE / "precursors.py"), "--child-run", str(month)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def reconciliation(runs: int) -> dict:
    from jindu.precursors import run
    from jindu.precursors.models import LedgerEntry

    rng = random.Random(5)
    top = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    sample = list(
        LedgerEntry.objects.filter(
            pk__in=[rng.randrange(1, top) for _ in range(runs + 5)]
        ).values_list("enterprise_id", "chemical_id")
    )
    start = add_months(FIRST, MONTHS - 1)
    end = add_months(start, 1) - datetime.timedelta(days=1)
    return timed(lambda i: run.reconcile_pair(*sample[i % len(sample)], start, end), runs)


def lists(runs: int) -> dict:
    from django.test import Client

    from jindu.accounts.models import User
    from jindu.precursors.models import Enterprise

    office = User.objects.get(username="bench-office")
    station = User.objects.get(username="bench-station")
    some = Enterprise.objects.order_by("pk").values_list("pk", flat=True)[100]
    results = {}
    for who, user in (("office", office), ("station", station)):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, url in (
            ("api enterprises", "/api/v1/enterprises/"),
            ("api enterprises ?q=", "/api/v1/enterprises/?q=基准企业12"),
            ("api ledger ?enterprise=", f"/api/v1/ledger-entries/?enterprise={some}"),
            ("api flags ?status=open", "/api/v1/precursor-flags/?status=open"),
            ("api flags page 20", "/api/v1/precursor-flags/?page=20"),
            ("page enterprises", "/precursors/"),
            ("page flags", "/precursors/flags/?status=open"),
            ("page enterprise", f"/precursors/enterprises/{some}/"),
        ):

            def call(_i, url=url, client=client):
                response = client.get(url)
                assert response.status_code in (200, 404), (url, response.status_code)

            results[f"{who}: {label}"] = timed(call, runs)
    return results


# ---------------------------------------------------------------- the indicator vs SQL

REFERENCE = HERE / "precursors_reference.sql"


def papers_and_follow_up(seed: int = 1818) -> dict:
    """What the indicator counts besides the ledger, added once to a generated province
    (seeded; ``COPY``): papers for 90 % of the enterprises (some expired, some revoked),
    inspections of 60 % spread over the year, and 70 % of the flags closed (most in time)."""
    from django.db import connection, transaction

    from jindu.precursors.models import ChemicalLicence, Enterprise

    if ChemicalLicence.objects.exists():
        return {}
    rng = random.Random(seed)
    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY precursors_chemicallicence (enterprise_id, kind, number, issuer,"
            " annual_quantity, valid_from, valid_to, revoked_on, policy_id, created_at)"
            " FROM STDIN"
        ) as copy:
            for e in ids:
                if rng.random() < 0.1:
                    continue
                for kind in ("operation_filing", "purchase_filing"):
                    if kind == "purchase_filing" and rng.random() < 0.05:
                        continue  # trades but has not filed its purchases
                    start = datetime.date(2023, 1, 1) + datetime.timedelta(rng.randrange(700))
                    end = start + datetime.timedelta(days=3 * 365 - rng.choice((0, 0, 0, 900)))
                    revoked = start + datetime.timedelta(200) if rng.random() < 0.02 else None
                    copy.write_row((
                        e, kind, f"备{e}{kind[:2]}", "基准发证机关", None, start, end, revoked,
                        "bench", now,
                    ))  # fmt: skip
        with cursor.cursor.copy(
            "COPY precursors_chemicalinspection (enterprise_id, date, departments, checklist,"
            " findings, outcome, inspectors, policy_id, created_at) FROM STDIN"
        ) as copy:
            for e in ids:
                if rng.random() < 0.6:
                    day = FIRST + datetime.timedelta(rng.randrange(365))
                    copy.write_row((
                        e, day, '["public_security"]', "{}", "", "no_problem", "基准检查员",
                        "bench", now,
                    ))  # fmt: skip
        # Closed flags: 70 %, of which most within their 30 days.
        cursor.execute(
            "UPDATE precursors_flag SET status = 'closed', outcome = 'explained', note = 'bench',"
            " closed_on = raised_on + (CASE WHEN id % 10 = 0 THEN 45 ELSE 10 END)"
            " WHERE id % 10 < 7"
        )
    with connection.cursor() as cursor:
        # As autovacuum would after the update: the visibility map lets counts read the
        # indexes alone.
        for table in ("chemicallicence", "chemicalinspection", "flag"):
            cursor.execute(f"VACUUM ANALYZE precursors_{table}")
    return {"seconds": round(time.perf_counter() - started, 1)}


def reference_numbers(cursor, unit, d0, d1) -> dict[str, int]:
    from jindu.precursors import run
    from jindu.precursors.policy import county_policy

    requirements = [
        (activity, kind)
        for activity, kinds in county_policy().licence_requirements.items()
        for kind in kinds
    ]
    cursor.execute(
        REFERENCE.read_text(),
        {
            "d0": d0,
            "d1": d1,
            "periods": [p for p, _a, _b in run.months(d0, d1)],
            "prefix": unit.path + "%",
            "whole": unit.parent_id is None,
            "req_activity": [a for a, _k in requirements],
            "req_kind": [k for _a, k in requirements],
        },
    )
    names = [c.name for c in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def project_numbers(user, unit, d0, d1) -> dict[str, int]:
    from jindu.precursors import selectors

    result = {}
    for i in selectors.precursor_kpis(user, unit, d0, d1):
        result[f"{i.code}__num"] = i.numerator
        result[f"{i.code}__den"] = i.denominator
    return result


def indicator(runs: int) -> list[dict]:
    """``selectors.precursor_kpis`` against the hand-written SQL (precursors_reference.sql):
    the same numbers for the province and one township over four periods, then timed
    alternately (project, reference, project, …) in this process on this connection."""
    from django.db import connection, transaction

    from jindu.accounts.models import User
    from jindu.orgs.models import OrgUnit
    from jindu.precursors import selectors

    office = User.objects.get(username="bench-office")
    root = OrgUnit.objects.get(parent__isnull=True, level="county")
    township = (
        OrgUnit.objects.filter(level="township", precursor_enterprises__isnull=False)
        .order_by("pk")
        .first()
    )
    periods = [
        ("the year", FIRST, add_months(FIRST, MONTHS) - datetime.timedelta(days=1)),
        ("first half", FIRST, add_months(FIRST, 6) - datetime.timedelta(days=1)),
        ("last quarter", add_months(FIRST, 9), add_months(FIRST, 12) - datetime.timedelta(days=1)),
        ("one month", add_months(FIRST, 4), add_months(FIRST, 5) - datetime.timedelta(days=1)),
        # The runs raise their flags on their as-of dates, after the ledger's year.
        ("the runs' flags", add_months(FIRST, 12), add_months(FIRST, 14)),
    ]
    units = [("province", root), ("one township", township)]
    rows = []
    with connection.cursor() as cursor:
        for unit_name, unit in units:
            for period_name, d0, d1 in periods:
                with transaction.atomic():
                    cursor.execute("SET LOCAL jit = off")
                    ours = reference_numbers(cursor, unit, d0, d1)
                mine = project_numbers(office, unit, d0, d1)
                same = ours == mine
                print(f"  same numbers, {unit_name}, {period_name}: {'yes' if same else 'NO'}"
                      f" {mine}", flush=True)  # fmt: skip
                if not same:
                    diff = {k: (mine.get(k), ours[k]) for k in ours if mine.get(k) != ours[k]}
                    raise SystemExit(f"project ≠ reference (project, reference): {diff}")
        for unit_name, unit in units:
            d0, d1 = periods[0][1], periods[0][2]
            project, reference = [], []
            for i in range(runs + 2):
                started = time.perf_counter()
                selectors.precursor_kpis(office, unit, d0, d1)
                middle = time.perf_counter()
                with transaction.atomic():
                    cursor.execute("SET LOCAL jit = off")
                    reference_numbers(cursor, unit, d0, d1)
                ended = time.perf_counter()
                if i >= 2:  # two warm-up rounds
                    project.append((middle - started) * 1000)
                    reference.append((ended - middle) * 1000)
            ours, theirs = percentiles(project), percentiles(reference)
            rows.append({
                "case": f"indicator vs reference: {unit_name}, the year",
                "project p50": ours["p50"], "project p95": ours["p95"],
                "reference p50": theirs["p50"], "reference p95": theirs["p95"],
                "ratio p50": round(ours["p50"] / theirs["p50"], 2),
                "ratio p95": round(ours["p95"] / theirs["p95"], 2),
                "n": ours["n"],
            })  # fmt: skip
            print(" ", json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--json")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child-run", type=int, default=None)
    parser.add_argument(
        "--only", choices=("run", "reconciliation", "lists", "reference"), action="append"
    )
    args = parser.parse_args()
    if args.child_run is not None:
        child_run(args.child_run)
        return
    # The lists are timed as signed-in users; the second factor is the login's, not theirs.
    os.environ.setdefault("TWO_FACTOR_ROLES", "")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/precursors.py measures PostgreSQL: set DATABASE_URL.")
    from jindu.precursors.models import Enterprise

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the pages' rate limits and menus use it
    have = Enterprise.objects.count()
    want = max(int(TARGET_ENTERPRISES * args.scale), 20)
    report: dict = {"scale": args.scale}
    if args.fresh or have != want:
        if have:
            call_command("flush", interactive=False, verbosity=0)
        report["generated"] = generate(args.scale)
    from jindu.precursors.models import LedgerEntry

    report["data"] = {
        "enterprises": Enterprise.objects.count(),
        "ledger_lines": LedgerEntry.objects.count(),
    }
    from jindu.precursors.models import Reconciliation

    if not Reconciliation.objects.filter(period=add_months(FIRST, MONTHS - 2).strftime("%Y-%m")):
        # The months before, untimed: the unusual-purchase rule reads their reconciliations,
        # as it does in production where every month has been run.
        from jindu.precursors import run

        started = time.perf_counter()
        last = add_months(FIRST, MONTHS - 1) - datetime.timedelta(days=1)
        run.run_period(None, FIRST, last, as_of=add_months(FIRST, MONTHS))
        report["history_months_run_seconds"] = round(time.perf_counter() - started, 1)
    report["papers_and_follow_up"] = papers_and_follow_up()
    only = set(args.only or ("run", "reconciliation", "lists", "reference"))
    for part, key, measure in (
        ("run", "monthly_run", lambda: monthly_run(MONTHS - 1)),
        (
            "reconciliation",
            "reconciliation_one_enterprise_ms",
            lambda: reconciliation(args.runs * 2),
        ),
        ("lists", "lists_ms", lambda: lists(args.runs)),
        ("reference", "indicator_vs_reference", lambda: indicator(max(args.runs // 2, 10))),
    ):
        if part not in only:
            continue
        report[key] = measure()
        print(key, json.dumps(report[key], ensure_ascii=False), flush=True)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
