"""The cockpit at province scale: the full rebuild of the precomputed figures, the cockpit of
the province and of a township from them (figures and the whole page, with query counts),
the monthly warning run for every township, and the incremental refresh after a day's
changes recorded through the services.

Usage:
    createdb -h 127.0.0.1 -U postgres jindu_bench_indicators
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jindu_bench_indicators \\
        .venv/bin/python bench/indicators.py [--persons N --tests N] [--changes N]

The data are the control area's generator (bench/control_generate.py: the 2,000-township
province and its people under control, the biggest table the cockpit reads); the other
areas' tables are read as they are (empty unless their generators ran on the same database).
The issue's targets: province cockpit p95 < 1 s, a township's < 200 ms with a constant query
count, warnings for 2,000 townships < 60 s, an incremental refresh < 10 s.

On a shared machine the wall times measure the neighbours too: the script prints the load
average beside the figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import time

from control import load, timed
from generate import setup_django


def existing_tree() -> dict:
    """The control generator's tree as ``control_generate.org_tree`` returns it, read back
    from the database: the enforcement generator then writes its records into the same
    2,000 townships instead of a second tree."""
    from jindu.orgs.models import OrgUnit

    province = OrgUnit.objects.get(code="980000000000")
    townships = list(
        OrgUnit.objects.filter(level="township", code__startswith="98")
        .order_by("pk")
        .values_list("pk", "parent_id")
    )
    county_of = dict(townships)
    counties = sorted(set(county_of.values()))
    villages = [
        (pk, parent, county_of[parent])
        for pk, parent in OrgUnit.objects.filter(level="village", parent_id__in=county_of)
        .order_by("pk")
        .values_list("pk", "parent_id")
    ]
    stations = dict(
        OrgUnit.objects.filter(kind="police_station", code__startswith="98P")
        .order_by("pk")
        .values_list("parent_id", "pk")
    )
    return {
        "province": province.pk,
        "counties": counties,
        "townships": townships,
        "villages": villages,
        "stations": stations,
    }


def add_enforcement(scale: float) -> dict | None:
    """The enforcement generator's cases, outbound traffickers, findings, tips and township
    populations (``bench/enforcement.py``) on the control generator's tree, once."""
    import enforcement as generator
    from django.utils import timezone

    from jindu.enforcement.models import Case

    if Case.objects.exists():
        print(f"reusing {Case.objects.count():,} enforcement cases already generated")
        return None
    generator.org_tree = lambda copy: existing_tree()
    result = generator.generate(scale, timezone.localdate())
    print(f"enforcement generated at scale {scale} in {result['load_seconds']} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--enforcement-scale",
        type=float,
        default=0.0,
        help="also generate the enforcement area's records on the same tree (1.0: 300,000 cases)",
    )
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--tests", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--changes", type=int, default=300, help="urine tests recorded as a day's changes"
    )
    parser.add_argument("--changed-townships", type=int, default=50)
    parser.add_argument(
        "--rebuild-townships", type=int, default=20, help="townships the full rebuild computes"
    )
    parser.add_argument("--json")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from jindu.accounts.models import User
    from jindu.control.models import Person
    from jindu.control.services import orders
    from jindu.indicators import rules, selectors, services
    from jindu.indicators.models import Aggregate
    from jindu.orgs.models import OrgUnit

    world = load(args.persons, args.tests)
    if args.enforcement_scale:
        add_enforcement(args.enforcement_scale)
    province = OrgUnit.objects.get(pk=world["tree"]["province"])
    township = OrgUnit.objects.get(pk=world["tree"]["township"])
    office = User.objects.get(username="bench-office")
    township_user = User.objects.get(username="bench-township")
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    month = rules.month_of(today)
    keys = [month, f"{month}:ytd"]
    out = {
        "scale": {"persons": args.persons, "tests": args.tests},
        "load_average_start": os.getloadavg(),
    }

    def measure(call, runs, warm=2):
        # The query log keeps 9,000 entries: empty it so that the counts stay true.
        connection.queries_log.clear()
        return timed(call, runs, warm)

    stats, counts = measure(
        lambda i: selectors.figures_for(office, township, start, today), 5, warm=1
    )
    out["township_live"] = {**stats, "queries": sorted(set(counts))}
    print(f"township figures, computed live: {stats} queries {sorted(set(counts))}")

    townships = list(OrgUnit.objects.filter(level="township", is_active=True).order_by("path"))
    if not Aggregate.objects.filter(period=f"{month}:ytd", org_unit=province).exists():
        # The full rebuild computes every township by the areas' selectors (then sums the
        # units above them). ``--rebuild-townships`` of them are computed and timed; on a
        # shared machine the rest are seeded by copying those figures (the read side, the
        # warning run and the roll-up read rows whatever their values), and the full time is
        # extrapolated. ``--rebuild-townships 0`` computes them all.
        from jindu.indicators.policy import indicator_policy

        policy = indicator_policy()
        now = timezone.now()
        computed = townships if args.rebuild_townships == 0 else townships[: args.rebuild_townships]
        started = time.perf_counter()
        rows = services._compute_rows(computed, keys, policy, now)
        services._store(rows)
        per_township = (time.perf_counter() - started) / len(computed)
        seeded = 0
        if len(computed) < len(townships):
            template = [r for r in rows if r.org_unit_id == computed[0].pk]
            copies = [
                Aggregate(
                    org_unit=t,
                    period=r.period,
                    code=r.code,
                    numerator=r.numerator,
                    denominator=r.denominator,
                    value=r.value,
                    met=r.met,
                    policy_id=r.policy_id,
                    as_of=now,
                )
                for t in townships[len(computed) :]
                for r in template
            ]
            services._store(copies)
            seeded = len(copies)
        started = time.perf_counter()
        rollup = services._roll_up(services._ancestors(townships), keys, policy, now)
        services._store(rollup)
        rollup_s = time.perf_counter() - started
        out["full_rebuild"] = {
            "townships": len(townships),
            "computed_townships": len(computed),
            "seeded_rows": seeded,
            "keys": keys,
            "seconds_per_township_all_keys": round(per_township, 2),
            "extrapolated_townships_s": round(per_township * len(townships)),
            "units_above_rolled_up": len(services._ancestors(townships)),
            "rollup_s": round(rollup_s, 1),
        }
        print(f"full rebuild: {out['full_rebuild']}")

    for name, unit, user in (
        ("township", township, township_user),
        ("province", province, office),
    ):
        stats, counts = measure(
            lambda i, user=user, unit=unit: selectors.figures_for(user, unit, start, today),
            args.runs,
        )
        out[f"{name}_figures"] = {**stats, "queries": sorted(set(counts))}
        print(f"{name} figures, precomputed: {stats} queries {sorted(set(counts))}")
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        # The office's second factor is a login step, not the page's cost: the bench's
        # throwaway accounts have no device, so the pages are measured without it.
        settings.TWO_FACTOR_ROLES = ()
        url = f"/indicators/?org_unit={unit.pk}&month={month}"

        def page(i, client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        stats, counts = measure(page, max(5, args.runs // 2))
        out[f"{name}_page"] = {**stats, "queries": sorted(set(counts))}
        print(f"{name} cockpit page: {stats} queries {sorted(set(counts))}")

    ids = [t.pk for t in townships]
    started = time.perf_counter()
    services.compute_warnings(None, month, townships=OrgUnit.objects.filter(pk__in=ids))
    seconds = time.perf_counter() - started
    out["warnings"] = {"townships": len(ids), "seconds": round(seconds, 1)}
    print(f"warning run for {len(ids)} townships: {seconds:.1f} s")

    # A day's changes, through the services (with their audit rows): urine tests of people
    # in ``--changed-townships`` townships.
    services.refresh_changed(None, today, months=1)  # the mark after everything above
    rng = random.Random(20261202)
    chosen = rng.sample(ids, min(args.changed_townships, len(ids)))
    people = []
    for pk in chosen:
        path = OrgUnit.objects.get(pk=pk).path
        people += list(
            Person.objects.filter(residence_unit__path__startswith=path, first_found_date__lt=today)
            .order_by("pk")
            .values_list("pk", flat=True)[: max(1, args.changes // len(chosen))]
        )
    recorded = 0
    started = time.perf_counter()
    for pk in people[: args.changes]:
        person = Person.objects.get(pk=pk)
        orders.record_test(None, person, date=today, result="negative", confirm_before_finding=True)
        recorded += 1
    out["changes_recorded"] = {"tests": recorded, "seconds": round(time.perf_counter() - started)}
    started = time.perf_counter()
    done = services.refresh_changed(None, today, months=1)
    seconds = time.perf_counter() - started
    out["incremental_refresh"] = {
        "changes": done.events,
        "townships": len(done.townships),
        "units_above": len(done.ancestors),
        "rows": done.rows,
        "keys": done.keys,
        "seconds": round(seconds, 1),
    }
    print(
        f"incremental refresh after {done.events} changes: {len(done.townships)} townships and "
        f"{len(done.ancestors)} units above them, {done.rows} rows in {seconds:.1f} s"
    )
    out["load_average_end"] = os.getloadavg()
    print(f"load average: {out['load_average_start']} → {out['load_average_end']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2, default=str)


if __name__ == "__main__":
    main()
