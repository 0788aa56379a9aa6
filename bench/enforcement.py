"""Enforcement at province scale: the results statistics (province and one county, with the
previous-year comparison), the case list, and the targets against a hand-written SQL
reference.

Usage:
    createdb -h 127.0.0.1 -U postgres jindu_bench_enforcement
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jindu_bench_enforcement \\
        .venv/bin/python bench/enforcement.py [--scale 0.1] [--runs 20] [--json FILE]

The first run migrates and fills the database with ``COPY`` (the organisation tree of
``control_generate.py``: 2,000 townships in 100 counties; at ``--scale 1`` 300,000 cases over
two years, 600,000 suspects, 1,000,000 seizures, 20,000 venues, 200,000 inspections, plus
outbound traffickers, planting findings, production incidents and tips). ``--scale`` shrinks
every record count (not the tree). Later runs reuse the data (a different scale needs a
fresh database). Users: ``bench-office`` (the province), ``bench-police`` (the county police
bureau of one county: a member unit marked as its police authority) and ``bench-township``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import time

from control import percentiles, timed  # noqa: F401  (shared helpers)
from control_generate import Copier, org_tree, reset_sequences
from generate import setup_django

D = datetime.date
FULL = {
    "cases": 300_000,
    "suspects": 600_000,
    "seizures": 1_000_000,
    "venues": 20_000,
    "inspections": 200_000,
    "outbound": 40_000,
    "findings": 2_000,
    "incidents": 200,
    "tips": 60_000,
}
OFFENCES = ["trafficking"] * 6 + ["illegal_possession", "accommodating", "harbouring"]
ADMIN = ["admin_drug_use"] * 4 + ["admin_possession"]
DRUGS = ["methamphetamine", "heroin", "ketamine", "magu", "mdma", "cannabis", "happy_water"]
FLAGS = ["zero_pack", "gang", "network", "den", "kilogram", "target_case"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建文辉力斌宇浩凯健"


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _day(rng, start, end):
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def generate(scale: float, today: datetime.date, seed: int = 20261201) -> dict:
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from jindu.control import crypto
    from jindu.control import rules as control_rules
    from jindu.enforcement.models import (
        Case,
        OutboundTrafficker,
        PlantingFinding,
        PoliceAuthority,
        Population,
        ProductionIncident,
        Seizure,
        Suspect,
        Tip,
        Venue,
        VenueInspection,
    )
    from jindu.enforcement.policy import enforcement_policy
    from jindu.orgs.models import OrgUnit

    n = {k: max(1, int(v * scale)) for k, v in FULL.items()}
    policy = enforcement_policy()
    rng = random.Random(seed)
    started = time.perf_counter()
    years = (today.year - 1, today.year)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        copy = Copier(cursor, timezone.now())
        tree = org_tree(copy)
        reset_sequences(cursor, [OrgUnit])
        townships = [t for t, _county in tree["townships"]]
        county_of = dict(tree["townships"])
        villages_of: dict[int, list[int]] = {}
        for village, township, _county in tree["villages"]:
            villages_of.setdefault(township, []).append(village)
        station = next(iter(tree["stations"].values()))
        # The county police bureau of the first county, marked as its police authority.
        county = tree["counties"][0]
        bureau = OrgUnit.objects.create(
            code="98B000000001",
            name="基准县公安局",
            kind="member_unit",
            level="department",
            parent_id=county,
            path="",
        )
        bureau.path = OrgUnit.objects.get(pk=county).path + f"{bureau.pk}/"
        bureau.save(update_fields=["path"])
        PoliceAuthority.objects.create(unit=bureau, area_id=county)
        tree["bureau"] = bureau.pk

        def ident(male):
            birth = D(1960, 1, 1) + datetime.timedelta(days=rng.randrange(15000))
            first17 = f"980101{birth:%Y%m%d}{rng.randrange(500) * 2 + int(male):03d}"
            return first17 + control_rules.check_digit(first17)

        numbers = [ident(True) for _ in range(2000)]
        secrets = [
            (crypto.encrypt(x), crypto.lookup_hash(x), crypto.mask_id_number(x)) for x in numbers
        ]
        case_rows, case_meta = [], []
        for pk in range(1, n["cases"] + 1):
            year = years[pk % 2]
            criminal = rng.random() < 0.6
            offence = rng.choice(OFFENCES if criminal else ADMIN)
            entry = policy.offence(
                "criminal" if criminal else "administrative", offence, D(year, 6, 1)
            )
            filed = _day(rng, D(year, 1, 1), min(D(year, 12, 25), today))
            solved = (
                filed + datetime.timedelta(days=rng.randrange(6)) if rng.random() < 0.9 else None
            )
            if solved and solved > today:
                solved = today
            township = townships[rng.randrange(len(townships))]
            flags = rng.sample(FLAGS, rng.choice((0, 0, 1, 2))) if criminal else []
            case_rows.append(
                (
                    pk,
                    f"B{pk:08d}",
                    "criminal" if criminal else "administrative",
                    offence,
                    entry.article,
                    filed,
                    solved,
                    township,
                    json.dumps(flags),
                    policy.policy_ids,
                )
            )
            case_meta.append(township)
        copy(
            Case,
            [
                "id",
                "number",
                "kind",
                "offence",
                "offence_article",
                "filed_date",
                "solved_date",
                "org_unit_id",
                "flags",
                "policy_id",
            ],
            case_rows,
        )
        suspect_rows = []
        for pk in range(1, n["suspects"] + 1):
            case = rng.randrange(1, n["cases"] + 1)
            enc, digest, masked = secrets[pk % len(secrets)]
            suspect_rows.append(
                (
                    pk,
                    case,
                    _name(rng),
                    "male",
                    enc,
                    digest,
                    masked,
                    villages_of[case_meta[case - 1]][0],
                    "offender",
                    "detained",
                )
            )
        copy(
            Suspect,
            [
                "id",
                "case_id",
                "name",
                "gender",
                "id_number_encrypted",
                "id_hash",
                "id_masked",
                "household_unit_id",
                "role",
                "disposal",
            ],
            suspect_rows,
        )
        seizure_rows = []
        for pk in range(1, n["seizures"] + 1):
            drug = rng.choice(DRUGS)
            grams = Decimal(rng.randrange(1, 200000)) / 1000
            factor = policy.heroin_factors[drug].factor
            seizure_rows.append(
                (
                    pk,
                    rng.randrange(1, n["cases"] + 1),
                    drug,
                    grams,
                    0,
                    factor,
                    (grams * Decimal(str(factor))).quantize(Decimal("0.001")),
                    policy.policy_ids,
                )
            )
        copy(
            Seizure,
            [
                "id",
                "case_id",
                "drug_type",
                "grams",
                "pills",
                "heroin_factor",
                "heroin_equivalent_grams",
                "policy_id",
            ],
            seizure_rows,
        )
        venue_rows = [
            (
                pk,
                f"基准场所{pk}",
                rng.choice(["ktv", "hotel", "bar", "internet_cafe"]),
                townships[rng.randrange(len(townships))],
                station,
                rng.choice("ABC"),
                policy.policy_ids,
            )
            for pk in range(1, n["venues"] + 1)
        ]
        copy(
            Venue,
            ["id", "name", "kind", "org_unit_id", "station_id", "grade", "policy_id"],
            venue_rows,
        )
        copy(
            VenueInspection,
            [
                "id",
                "venue_id",
                "date",
                "mode",
                "inspecting_unit_id",
                "inspectors",
                "checks",
                "score",
                "grade_after",
                "policy_id",
            ],
            (
                (
                    pk,
                    rng.randrange(1, n["venues"] + 1),
                    _day(rng, D(years[0], 1, 1), today),
                    "open",
                    station,
                    "民警",
                    "{}",
                    80,
                    "B",
                    policy.policy_ids,
                )
                for pk in range(1, n["inspections"] + 1)
            ),
        )
        outbound_rows = []
        for pk in range(1, n["outbound"] + 1):
            township = townships[rng.randrange(len(townships))]
            # The second year has fewer in most townships.
            year = years[0] if rng.random() < 0.62 else years[1]
            enc, digest, masked = secrets[pk % len(secrets)]
            outbound_rows.append(
                (
                    pk,
                    _name(rng),
                    "male",
                    enc,
                    digest,
                    masked,
                    villages_of[township][0],
                    township,
                    _day(rng, D(year, 1, 1), min(D(year, 12, 31), today)),
                    "外省",
                    "外省公安",
                    "methamphetamine",
                    Decimal(rng.randrange(1, 500)),
                    "arrested",
                    "bulletin",
                )
            )
        copy(
            OutboundTrafficker,
            [
                "id",
                "name",
                "gender",
                "id_number_encrypted",
                "id_hash",
                "id_masked",
                "household_unit_id",
                "township_id",
                "arrest_date",
                "arrest_place",
                "arresting_agency",
                "drug_type",
                "grams",
                "disposal",
                "source",
            ],
            outbound_rows,
        )
        copy(
            PlantingFinding,
            ["id", "org_unit_id", "date", "species", "plants"],
            (
                (
                    pk,
                    townships[rng.randrange(len(townships))],
                    _day(rng, D(years[0], 3, 1), today),
                    "opium_poppy",
                    rng.randrange(1, 300),
                )
                for pk in range(1, n["findings"] + 1)
            ),
        )
        copy(
            ProductionIncident,
            ["id", "org_unit_id", "date", "place", "description"],
            (
                (
                    pk,
                    townships[rng.randrange(len(townships))],
                    _day(rng, D(years[0], 1, 1), today),
                    "某地",
                    "加工点",
                )
                for pk in range(1, n["incidents"] + 1)
            ),
        )
        copy(
            Tip,
            ["id", "received_date", "channel", "org_unit_id", "content", "status", "case_id"],
            (
                (
                    pk,
                    _day(rng, D(years[0], 1, 1), today),
                    "hotline",
                    townships[rng.randrange(len(townships))],
                    "举报内容",
                    "verified",
                    rng.randrange(1, n["cases"] + 1) if pk % 3 == 0 else None,
                )
                for pk in range(1, n["tips"] + 1)
            ),
        )
        copy(
            Population,
            ["id", "org_unit_id", "year", "residents", "source"],
            (
                (i + 1, t, y, 30000 + (t % 7) * 1000, "基准")
                for i, (t, y) in enumerate((t, y) for t in townships for y in years)
            ),
        )
        reset_sequences(
            cursor,
            [
                OrgUnit,
                Case,
                Suspect,
                Seizure,
                Venue,
                VenueInspection,
                OutboundTrafficker,
                PlantingFinding,
                ProductionIncident,
                Tip,
                Population,
            ],
        )
    written = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    _ = county_of
    return {"counts": n, "load_seconds": round(written, 1)}


def make_users(tree_ids) -> dict:
    from jindu.accounts.models import User
    from jindu.accounts.roles import Role
    from jindu.orgs.models import OrgUnit

    province = OrgUnit.objects.filter(parent__isnull=True).get()
    bureau = OrgUnit.objects.get(code="98B000000001")
    township = OrgUnit.objects.filter(parent=bureau.parent, level="township").order_by("path")[0]
    specs = {
        "bench-office": (Role.OFFICE_ADMIN, province),
        "bench-police": (Role.MEMBER_UNIT, bureau),
        "bench-township": (Role.TOWNSHIP, township),
    }
    users = {}
    for username, (role, unit) in specs.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "unit": unit}
        )
        users[username] = user
    return users


REFERENCE_SQL = """
WITH o AS (
  SELECT count(*) FILTER (WHERE t.arrest_date BETWEEN %(y0)s AND %(y1)s) AS n,
         count(*) FILTER (WHERE t.arrest_date BETWEEN %(p0)s AND %(p1)s) AS n_prev,
         sum(t.grams) FILTER (WHERE t.arrest_date BETWEEN %(y0)s AND %(y1)s) AS g,
         sum(t.grams) FILTER (WHERE t.arrest_date BETWEEN %(p0)s AND %(p1)s) AS g_prev
  FROM enforcement_outboundtrafficker t JOIN orgs_orgunit u ON u.id = t.household_unit_id
  WHERE u.path LIKE %(path)s AND t.arrest_date BETWEEN %(p0)s AND %(y1)s),
p AS (SELECT count(*) AS n FROM enforcement_plantingfinding f
      JOIN orgs_orgunit u ON u.id = f.org_unit_id
      WHERE u.path LIKE %(path)s AND f.date BETWEEN %(y0)s AND %(y1)s),
q AS (SELECT count(*) AS n FROM enforcement_productionincident f
      JOIN orgs_orgunit u ON u.id = f.org_unit_id
      WHERE u.path LIKE %(path)s AND f.date BETWEEN %(y0)s AND %(y1)s),
tp AS (SELECT count(*) AS n FROM enforcement_tip f JOIN orgs_orgunit u ON u.id = f.org_unit_id
       WHERE u.path LIKE %(path)s AND f.received_date BETWEEN %(y0)s AND %(y1)s),
c AS (SELECT count(*) AS n,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM enforcement_tip x
                                            WHERE x.case_id = k.id)) AS from_tips
      FROM enforcement_case k JOIN orgs_orgunit u ON u.id = k.org_unit_id
      WHERE u.path LIKE %(path)s AND k.solved_date BETWEEN %(y0)s AND %(y1)s),
r AS (SELECT sum(residents) AS n FROM enforcement_population x
      JOIN orgs_orgunit u ON u.id = x.org_unit_id
      WHERE u.path LIKE %(path)s AND u.level = 'township' AND x.year = %(year)s)
SELECT o.n, o.n_prev, o.g, o.g_prev, p.n, q.n, tp.n, c.n, c.from_tips, r.n
FROM o, p, q, tp, c, r
"""


def reference_targets(unit, year: int):
    from django.db import connection

    params = {
        "path": unit.path + "%",
        "year": year,
        "y0": D(year, 1, 1),
        "y1": D(year, 12, 31),
        "p0": D(year - 1, 1, 1),
        "p1": D(year - 1, 12, 31),
    }
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE_SQL, params)
        return cursor.fetchone()


def run(runs: int) -> list[dict]:
    from django.core.paginator import Paginator

    from jindu.enforcement import selectors
    from jindu.orgs.models import OrgUnit

    users = make_users(None)
    office, police, township_user = (
        users["bench-office"],
        users["bench-police"],
        users["bench-township"],
    )
    province = OrgUnit.objects.filter(parent__isnull=True).get()
    county = OrgUnit.objects.get(code="98B000000001").parent
    today = datetime.date.today()
    period_from, period_to = D(today.year, 1, 1), today
    results = []

    def stats(user, unit):
        return lambda i: selectors.results_stats(
            user, selectors.Period(unit, period_from, period_to)
        )

    from django.db import connection

    from jindu.enforcement import rollup
    from jindu.enforcement.models import ResultsCell, ResultsMonth

    # The monthly rollup from nothing (a fresh deployment's first read, or the daily job
    # after a rule-book change), then one month recounted after a write to it.
    ResultsCell.objects.all().delete()
    ResultsMonth.objects.all().delete()
    started = time.perf_counter()
    months = rollup.refresh(today)
    cold = round((time.perf_counter() - started) * 1000, 1)
    results.append(
        {"what": f"rollup: {months} closed months from nothing", "p50": cold, "p95": cold}
    )
    results[-1]["queries"] = "-"
    print(f"rollup: {ResultsCell.objects.count():,} rows for {months} months in {cold} ms")
    with connection.cursor() as cursor:
        # What autovacuum does soon after (it vacuums a table that took many inserts): the
        # township table is then read from its index alone.
        cursor.execute("VACUUM ANALYZE enforcement_resultscell")
    one_month = D(today.year - 1, 6, 1)

    townships = list(
        OrgUnit.objects.filter(level="township").order_by("pk").values_list("pk", flat=True)
    )

    def recount(i):
        rollup.mark_stale((townships[i * 7 % len(townships)], one_month))
        rollup.ensure([one_month])

    figures, queries = timed(recount, runs)
    results.append({"what": "rollup: a township's month recounted after a write", **figures})
    results[-1]["queries"] = max(queries)

    def recount_whole(i):
        ResultsMonth.objects.filter(month=one_month).update(fresh=False)
        rollup.ensure([one_month])

    figures, queries = timed(recount_whole, 3, warm=0)
    results.append({"what": "rollup: a whole month recounted (new rule books)", **figures})
    results[-1]["queries"] = max(queries)

    live = selectors.results_stats(office, selectors.Period(province, period_from, period_to))
    counted = selectors.results_stats(
        office, selectors.Period(province, period_from, period_to), use_rollup=False
    )
    same = [(r.code, r.value, r.previous) for r in live.rows] == [
        (r.code, r.value, r.previous) for r in counted.rows
    ]
    print(f"province: the rollup's figures equal counting every record: {same}")
    figures, queries = timed(
        lambda i: selectors.results_stats(
            office, selectors.Period(province, period_from, period_to), use_rollup=False
        ),
        3,
        warm=0,
    )
    results.append({"what": "statistics: province, every record counted (no rollup)", **figures})
    results[-1]["queries"] = max(queries)

    for label, user, unit, n in (
        ("statistics: province (office)", office, province, max(runs // 4, 3)),
        ("statistics: one county (county police bureau)", police, county, runs),
        ("statistics: one township (township staff)", township_user, township_user.unit, runs),
    ):
        figures, queries = timed(stats(user, unit), n, warm=1)
        results.append({"what": label, **figures, "queries": max(queries)})

    def case_page(user, page, **filters):
        def call(i):
            paginator = Paginator(selectors.case_list(user, **filters), 25)
            list(paginator.get_page(page + i % 3))

        return call

    for label, user, page, filters in (
        ("case list: province, page 1", office, 1, {}),
        ("case list: province, page 40", office, 40, {}),
        ("case list: province, one offence", office, 1, {"offence": "harbouring"}),
        ("case list: county police bureau, page 1", police, 1, {}),
        ("case list: township, page 1", township_user, 1, {}),
    ):
        figures, queries = timed(case_page(user, page, **filters), runs)
        results.append({"what": label, **figures, "queries": max(queries)})

    for label, user, unit in (
        ("targets: province", office, province),
        ("targets: one county", police, county),
    ):
        figures, queries = timed(
            lambda i, u=user, n=unit: selectors.enforcement_kpis(u, n, today.year), runs
        )
        reference, _ = timed(lambda i, n=unit: reference_targets(n, today.year), runs)
        got = {i.code: i for i in selectors.enforcement_kpis(user, unit, today.year)}
        ref = reference_targets(unit, today.year)
        same = (
            got["outbound_trafficking_reduction"].numerator == ref[0]
            and got["outbound_trafficking_reduction"].denominator == ref[1]
            and got["zero_planting"].numerator == ref[4]
            and got["zero_production"].numerator == ref[5]
            and got["tip_participation"].numerator == ref[6]
            and got["tip_case_share"].denominator == ref[7]
            and got["tip_case_share"].numerator == ref[8]
        )
        results.append(
            {
                "what": label,
                **figures,
                "queries": max(queries),
                "sql_reference_p50": reference["p50"],
                "ratio_to_sql": round(figures["p50"] / max(reference["p50"], 0.01), 2),
                "same_numbers": same,
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Run on PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    from jindu.enforcement.models import Case

    if not Case.objects.exists():
        result = generate(args.scale, datetime.date.today())
        print(f"generated {result['counts']} in {result['load_seconds']} s")
    else:
        print(f"{Case.objects.count():,} cases already generated")
    results = run(args.runs)
    width = max(len(r["what"]) for r in results)
    print(f"{'':{width}}  p50 ms  p95 ms  queries  extra")
    for r in results:
        extra = ""
        if "ratio_to_sql" in r:
            extra = (
                f"SQL ref p50 {r['sql_reference_p50']} ms, ratio {r['ratio_to_sql']}, "
                f"same numbers: {r['same_numbers']}"
            )
        print(f"{r['what']:{width}}  {r['p50']:6}  {r['p95']:6}  {r['queries']:7}  {extra}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
