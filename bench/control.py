"""Drug-user control at province scale: the person list, the five targets, the roster import.

Usage:
    createdb -h 127.0.0.1 -U postgres jindu_bench_control
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jindu_bench_control \\
        .venv/bin/python bench/control.py [--json FILE]

The first run migrates and fills the database (``control_generate.py``: 200,000 persons,
5,000,000 urine tests, 2,000 townships) and reports how long that took; later runs reuse the
data. Figures are printed as a table (and written as JSON with ``--json``). Roster imports
run in a subprocess each (peak memory is the child's) inside a transaction that is rolled
back, so the data stays as generated and runs can be repeated.
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
import tempfile
import time
from pathlib import Path

from generate import peak_rss_kb, setup_django

HERE = Path(__file__).resolve().parent


def percentiles(timings: list[float]) -> dict:
    ordered = sorted(timings)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "n": len(ordered)}


def timed(call, runs: int, warm: int = 2) -> tuple[dict, list[int]]:
    """Milliseconds per call (p50/p95 over ``runs`` after ``warm`` untimed calls) and the
    number of queries of each timed call. ``call(i)`` gets the run's index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warm):
        call(i)
    timings, counts = [], []
    for i in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call(i)
            timings.append((time.perf_counter() - started) * 1000)
        counts.append(len(queries))
    return percentiles(timings), counts


# ---------------------------------------------------------------- 1. the person list


def person_list(users, tree, runs: int) -> list[dict]:
    from django.core.paginator import Paginator
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from jindu.control import crypto, selectors
    from jindu.control.models import Person
    from jindu.orgs.models import OrgUnit

    rng = random.Random(7)
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    sample = list(
        Person.objects.filter(
            pk__in=[rng.randrange(1, top + 1) for _ in range(runs + 5)]
        ).values_list("id_number_encrypted", flat=True)
    )
    numbers = [crypto.decrypt(token) for token in sample]
    township = tree["township"]
    try:
        url = reverse("control:person_list")
        through = "web list view"
    except NoReverseMatch:
        url = "/api/v1/persons/"
        through = "REST API"
    cases = [
        ("no filter (page 1)", "bench-office", lambda i: {}),
        ("no filter, page 40", "bench-office", lambda i: {"page": 40}),
        ("by township", "bench-office", lambda i: {"unit": township}),
        ("status + risk", "bench-office", lambda i: {"status": "in_society", "risk_level": "high"}),
        ("exact ID number", "bench-office", lambda i: {"id_number": numbers[i % len(numbers)]}),
        ("name contains", "bench-office", lambda i: {"q": "伟芳娜敏静丽强磊军洋"[i % 10]}),
        ("township user, no filter", "bench-township", lambda i: {}),
        ("station user (20 townships)", "bench-station", lambda i: {}),
    ]
    api_params = {"unit": "org_unit"}
    rows = []
    ways = [(url, through)]
    if through != "REST API":
        ways.append(("/api/v1/persons/", "REST API"))
    if hasattr(selectors, "person_list"):
        ways.append((None, "selector + page"))
    units = {township: OrgUnit.objects.get(pk=township)}
    for target, label in ways:
        for name, username, params in cases:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(users[username])

            def call(
                i, params=params, client=client, target=target, label=label, user=users[username]
            ):
                query = params(i)
                if label == "selector + page":
                    # The data side of the web list alone: filter, count, page, prefetch.
                    page = query.pop("page", 1)
                    if "unit" in query:
                        query["unit"] = units[query["unit"]]
                    persons = selectors.with_list_columns(selectors.person_list(user, **query))
                    list(Paginator(persons, 25).get_page(page))
                    return
                if label == "REST API":
                    query = {api_params.get(k, k): v for k, v in query.items()}
                if "id_number" in query:
                    # The web list is addressed by the number's keyed hash (the number itself
                    # is POSTed once and never put in a URL); time the list it leads to.
                    query = {"id_hash": crypto.lookup_hash(query.pop("id_number"))}
                response = client.get(target, query)
                assert response.status_code == 200, (target, query, response.status_code)

            figures, counts = timed(call, runs)
            row = {
                "through": label,
                "case": name,
                **figures,
                "queries": f"{min(counts)}–{max(counts)}",
            }
            keys = ["through", "case", "p50", "p95", "queries"]
            if label == through and through != "REST API":
                # The page beside its own raw queries: count(*) and the page's SELECT.
                raw = raw_list_timing(users[username], params, units, runs)
                row.update(raw)
                row["ratio p50"] = round(row["p50"] / raw["raw p50"], 2)
                row["ratio p95"] = round(row["p95"] / raw["raw p95"], 2)
                keys += ["raw p50", "raw p95", "ratio p50", "ratio p95"]
            rows.append(row)
            print_row(rows[-1], keys)
    return rows


def raw_list_timing(user, params, units, runs: int) -> dict:
    """The list's own queries, as SQL on the cursor: an exact ``count(*)`` of the filtered
    persons and the SELECT of the page asked for (25 rows, the list's order)."""
    from django.db import connection

    from jindu.control import selectors

    def call(i):
        query = params(i)
        page = query.pop("page", 1)
        if "unit" in query:
            query["unit"] = units[query["unit"]]
        persons = selectors.with_list_columns(selectors.person_list(user, **query))
        count_sql, count_params = persons.order_by().values("pk").query.sql_with_params()
        page_sql, page_params = persons[(page - 1) * 25 : page * 25].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({count_sql}) AS n", count_params)
            cursor.fetchone()
            cursor.execute(page_sql, page_params)
            cursor.fetchall()

    figures, _counts = timed(call, runs)
    return {"raw p50": figures["p50"], "raw p95": figures["p95"]}


# ---------------------------------------------------------------- 2. the five targets


def targets(users, tree, runs: int) -> list[dict]:
    from django.test import Client

    from jindu.control import selectors
    from jindu.orgs.models import OrgUnit

    today = datetime.date.today()
    start = today.replace(month=1, day=1)
    province = OrgUnit.objects.get(pk=tree["province"])
    county = OrgUnit.objects.get(pk=tree["county"])
    office, station = users["bench-office"], users["bench-station"]
    rows = []
    for name, user, unit in (
        ("province (office)", office, province),
        ("one county (office)", office, county),
        ("one county (station user)", station, county),
    ):
        figures, counts = timed(
            lambda i, u=user, n=unit: selectors.control_kpis(u, n, start, today), runs
        )
        rows.append({"case": f"control_kpis: {name}", **figures, "queries": f"{max(counts)}"})
        print_row(rows[-1], ("case", "p50", "p95", "queries"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(office)
    for name, query in (("province", {}), ("one county", {"org_unit": county.pk})):

        def call(i, query=query):
            response = client.get("/api/v1/kpis/control/", query)
            assert response.status_code == 200, response.content[:200]

        figures, counts = timed(call, runs)
        rows.append(
            {"case": f"GET /api/v1/kpis/control/ {name}", **figures, "queries": f"{max(counts)}"}
        )
        print_row(rows[-1], ("case", "p50", "p95", "queries"))
    indicators = selectors.control_kpis(office, province, start, today)
    for indicator in indicators:
        print(
            f"    {indicator.code}: {indicator.numerator}/{indicator.denominator}"
            f" (pending {indicator.pending})"
        )
    return rows


# ---------------------------------------------------------------- 2b. against the reference

REFERENCE = HERE / "control_reference.sql"


def reference_numbers(cursor, unit, date_from, as_of) -> dict[str, int]:
    cursor.execute(
        REFERENCE.read_text(),
        {
            "date_from": date_from,
            "as_of": as_of,
            "prefix": unit.path + "%",
            "whole": unit.parent_id is None,
        },
    )
    names = [c.name for c in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def project_numbers(user, unit, date_from, date_to) -> dict[str, int]:
    from jindu.control import selectors

    result = {}
    for i in selectors.control_kpis(user, unit, date_from, date_to):
        result[f"{i.code}__num"] = i.numerator
        result[f"{i.code}__den"] = i.denominator
        if i.code == "community_execution_rate":
            result[f"{i.code}__pending"] = i.pending
    return result


def against_reference(users, tree, runs: int) -> list[dict]:
    """The hand-written SQL (``control_reference.sql``) and ``selectors.control_kpis``: the
    same numbers for the province and a county over four periods, then timed alternately
    (project, reference, project, …) in this process on this connection."""
    from django.db import connection, transaction

    from jindu.control import selectors
    from jindu.orgs.models import OrgUnit

    today = datetime.date.today()
    last = today.year - 1
    periods = [
        ("this year so far", today.replace(month=1, day=1), today),
        ("last year", datetime.date(last, 1, 1), datetime.date(last, 12, 31)),
        ("last year H1", datetime.date(last, 1, 1), datetime.date(last, 6, 30)),
        ("two years ago Q4", datetime.date(last - 1, 10, 1), datetime.date(last - 1, 12, 31)),
    ]
    office = users["bench-office"]
    units = [
        ("province", OrgUnit.objects.get(pk=tree["province"])),
        ("one county", OrgUnit.objects.get(pk=tree["county"])),
    ]
    rows = []
    with connection.cursor() as cursor:
        for unit_name, unit in units:
            for period_name, date_from, date_to in periods:
                as_of = selectors.as_of_date(date_to)
                with transaction.atomic():
                    cursor.execute("SET LOCAL jit = off")
                    ours = reference_numbers(cursor, unit, date_from, as_of)
                mine = project_numbers(office, unit, date_from, date_to)
                same = ours == mine
                print(
                    f"  same numbers, {unit_name}, {period_name}: {'yes' if same else 'NO'}"
                    f" ({mine['community_execution_rate__num']}/"
                    f"{mine['community_execution_rate__den']}"
                    f" +{mine['community_execution_rate__pending']} pending …)",
                    flush=True,
                )
                if not same:
                    diff = {k: (mine.get(k), ours[k]) for k in ours if mine.get(k) != ours[k]}
                    raise SystemExit(f"project ≠ reference (project, reference): {diff}")
        for unit_name, unit in units:
            date_from, date_to = periods[0][1], periods[0][2]
            as_of = selectors.as_of_date(date_to)
            project, reference = [], []
            for i in range(runs + 2):
                started = time.perf_counter()
                selectors.control_kpis(office, unit, date_from, date_to)
                middle = time.perf_counter()
                with transaction.atomic():
                    cursor.execute("SET LOCAL jit = off")
                    reference_numbers(cursor, unit, date_from, as_of)
                ended = time.perf_counter()
                if i >= 2:  # two warm-up rounds
                    project.append((middle - started) * 1000)
                    reference.append((ended - middle) * 1000)
            ours, theirs = percentiles(project), percentiles(reference)
            rows.append(
                {
                    "case": f"targets vs reference: {unit_name}",
                    "project p50": ours["p50"],
                    "project p95": ours["p95"],
                    "reference p50": theirs["p50"],
                    "reference p95": theirs["p95"],
                    "ratio p50": round(ours["p50"] / theirs["p50"], 2),
                    "ratio p95": round(ours["p95"] / theirs["p95"], 2),
                    "n": ours["n"],
                }
            )
            print_row(rows[-1], list(rows[-1]))
    return rows


# ---------------------------------------------------------------- 3. the roster import


def roster_file(path: Path, rows: int, village_codes: list[str], offset: int) -> None:
    """A roster of ``rows`` new fictional persons in the template's columns (write-only)."""
    from openpyxl import Workbook

    from jindu.control import rules
    from jindu.control.roster import importer as roster

    rng = random.Random(offset)
    names = {
        "drug": ["冰毒", "海洛因", "K粉", "麻古", "摇头丸"],
        "risk": ["", "", "低", "中", "高"],
    }
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("吸毒人员名册")
    sheet.append(roster.HEADERS)
    for n in range(rows):
        serial = offset + n
        male = rng.random() < 0.8
        # Area codes 97xxxx never occur in the generated province (98xxxx): all persons new.
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=serial % 13000)
        sequence = (serial // 13000) * 2 + (1 if male else 0)
        first17 = f"97{(serial // 13000 // 400) % 10000:04d}{birth:%Y%m%d}{sequence % 1000:03d}"
        number = first17 + rules.check_digit(first17)
        values = {
            roster.NAME: f"名册{rng.choice('王李张刘陈杨')}{serial}",
            roster.GENDER: "男" if male else "女",
            roster.ID_NUMBER: number,
            roster.ADDRESS: f"基准省某县某镇{serial % 300}号",
            roster.UNIT: village_codes[serial % len(village_codes)],
            roster.PHONE: f"139{serial:08d}",
            roster.DRUGS: "、".join(rng.sample(names["drug"], rng.choice((1, 1, 2)))),
            roster.FOUND: datetime.date(2015, 1, 1) + datetime.timedelta(days=serial % 3000),
            roster.NOTES: "",
        }
        if len(roster.HEADERS) > 9:
            values[roster.HEADERS[9]] = rng.choice(names["risk"])
        sheet.append([values.get(title, "") for title in roster.HEADERS])
    workbook.save(path)


def import_child(path: str, username: str) -> None:
    """Run in a subprocess: import ``path`` as ``username``, roll back, print JSON."""
    setup_django()
    from collections import deque

    from django.db import connection, transaction

    from jindu.accounts.models import User
    from jindu.control.roster import importer as roster

    # DEBUG (needed for the development encryption key) makes Django keep the text of the
    # last 9,000 queries, bulk inserts included; production keeps none, so neither do we.
    connection.queries_log = deque(maxlen=0)
    user = User.objects.get(username=username)
    baseline = peak_rss_kb()
    started = time.perf_counter()
    with transaction.atomic():
        report = roster.import_roster(user, path)
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    peak = peak_rss_kb()
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 1),
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "errors": report.error_count,
                "first_errors": [f"{e.row}: {e.message}" for e in report.errors[:3]],
                "peak_rss_mb": round(peak / 1024),
                "rss_before_import_mb": round(baseline / 1024),
            }
        )
    )


def roster_imports(tree, sizes: list[int]) -> list[dict]:
    try:
        from jindu.control.roster import importer  # noqa: F401
    except ImportError:
        print("roster import: jindu/control/roster/ not there; not measured")
        return []
    codes = tree["village_codes"]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for index, size in enumerate(sizes):
            path = Path(folder) / f"roster-{size}.xlsx"
            started = time.perf_counter()
            roster_file(path, size, codes, offset=index * 1_000_000)
            written = time.perf_counter() - started
            child = subprocess.run(
                [sys.executable, __file__, "--import-child", str(path), "bench-office"],
                capture_output=True,
                text=True,
                env=os.environ,
                cwd=HERE,
            )
            if child.returncode:
                print(child.stderr[-3000:])
                raise SystemExit("roster import failed")
            result = json.loads(child.stdout.strip().splitlines()[-1])
            result["file_mb"] = round(path.stat().st_size / 2**20, 1)
            result["write_file_s"] = round(written, 1)
            rows.append({"case": f"import {size:,} rows", **result})
            print_row(
                rows[-1],
                (
                    "case",
                    "seconds",
                    "created",
                    "errors",
                    "peak_rss_mb",
                    "rss_before_import_mb",
                    "file_mb",
                ),
            )
            if result["first_errors"]:
                print("    ", result["first_errors"])
    # The rolled-back imports leave dead rows that skew the planner's estimates.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return rows


# ---------------------------------------------------------------- the run


def print_row(row: dict, keys) -> None:
    print(
        "  "
        + " | ".join(
            f"{k} {row[k]}" if k not in ("case", "through") else str(row[k]) for k in keys
        ),
        flush=True,
    )


def load(persons: int, tests: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from jindu.accounts.models import User
    from jindu.control.models import Person, UrineTest
    from jindu.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('jit'),"
            " current_setting('random_page_cost'), current_setting('work_mem')"
        )
        version, jit, page_cost, work_mem = cursor.fetchone()
    print(
        f"database: PostgreSQL {version} {connection.settings_dict['NAME']} (jit {jit}, "
        f"random_page_cost {page_cost}, work_mem {work_mem})"
    )
    info = {}
    if not Person.objects.exists():
        from control_generate import generate

        result = generate(persons, tests)
        info = {k: v for k, v in result.items() if k != "tree"}
        info["counts"] = result["counts"]
        print(
            f"generated in {result['total_seconds']} s (organisation {result['org_seconds']} s, "
            f"all rows {result['load_seconds']} s, then VACUUM ANALYZE): {result['counts']}"
        )
    else:
        print(
            f"reusing {Person.objects.count():,} persons, "
            f"{UrineTest.objects.count():,} tests already generated"
        )
    province = OrgUnit.objects.get(code="980000000000")
    station = OrgUnit.objects.filter(kind="police_station", code__startswith="98P").first()
    county = station.parent
    township = county.children.filter(level="township").order_by("code").first()
    villages = OrgUnit.objects.filter(level="village", path__startswith=province.path)
    tree = {
        "province": province.pk,
        "county": county.pk,
        "township": township.pk,
        "village_codes": list(villages.order_by("code").values_list("code", flat=True)),
    }
    users = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    return {"tree": tree, "users": users, "generation": info}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--tests", type=int, default=5_000_000)
    parser.add_argument(
        "--scale", type=float, help="persons and tests times this (0.2: 40,000 / 1,000,000)"
    )
    parser.add_argument("--runs", type=int, default=50, help="requests per list case")
    parser.add_argument("--kpi-runs", type=int, default=10)
    parser.add_argument("--roster", default="10000,50000,100000", help="sizes; empty: skip")
    parser.add_argument(
        "--only", choices=("list", "targets", "reference", "roster"), action="append"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--import-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale:
        args.persons, args.tests = round(200_000 * args.scale), round(5_000_000 * args.scale)
    if args.import_child:
        import_child(*args.import_child)
        return
    # The pages are timed after force_login: no second factor to give (that is the login's
    # cost, not the list's), so the office's TOTP requirement is off for this process.
    os.environ.setdefault("TWO_FACTOR_ROLES", "none")
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Run this on PostgreSQL: set DATABASE_URL.")
    data = load(args.persons, args.tests)
    tree, users = data["tree"], data["users"]
    only = set(args.only or ("list", "targets", "roster"))
    results = {"date": datetime.date.today().isoformat(), "generation": data["generation"]}
    if "list" in only:
        print(f"person list (ms over {args.runs} warm requests each; target p95 < 150):")
        results["person_list"] = person_list(users, tree, args.runs)
    if "targets" in only:
        print(f"five targets (ms over {args.kpi_runs} runs; province < 1000, county < 100):")
        results["targets"] = targets(users, tree, args.kpi_runs)
    if "targets" in only or "reference" in only:
        print(
            f"five targets against the hand-written SQL (bench/control_reference.sql), "
            f"alternating, {args.kpi_runs} runs each (target ratio ≤ 1.5):"
        )
        results["reference"] = against_reference(users, tree, args.kpi_runs)
    if "roster" in only and args.roster:
        print("roster import (subprocess each, rolled back; target 100,000 rows < 60 s):")
        sizes = [int(s) for s in args.roster.split(",")]
        results["roster"] = roster_imports(tree, sizes)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
        print(f"written to {args.json}")


if __name__ == "__main__":
    main()
