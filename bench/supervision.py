"""Supervision at province scale: a year of obligations, then the office's board.

Usage: DATABASE_URL=postgres://… .venv/bin/python bench/supervision.py [--townships N]
Creates the schema in that database (migrate), fills it, measures, and leaves the data.
"""

import argparse
import datetime
import statistics
import time

from generate import province, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--townships", type=int, default=2000)
    parser.add_argument("--villages", type=int, default=20, help="per township")
    parser.add_argument("--member-units", type=int, default=2000)
    parser.add_argument("--renders", type=int, default=30)
    args = parser.parse_args()
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jindu.accounts.models import User
    from jindu.supervision import services
    from jindu.supervision.models import Obligation

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    started = time.perf_counter()
    province(args.townships, args.villages, args.member_units)
    print(
        f"organisation: {args.townships} townships, {args.townships * args.villages} villages,"
        f" {args.member_units} member units in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        created = services.generate_obligations(
            None, datetime.date(2025, 12, 31), since=datetime.date(2025, 1, 1)
        )
    elapsed = time.perf_counter() - started
    print(f"generate a year: {created} obligations in {elapsed:.1f} s ({len(queries)} queries)")
    started = time.perf_counter()
    again = services.generate_obligations(
        None, datetime.date(2025, 12, 31), since=datetime.date(2025, 1, 1)
    )
    print(f"generate again (idempotent): {again} new in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    services.mark_overdue(datetime.date(2026, 1, 15))
    print(f"mark overdue: {time.perf_counter() - started:.2f} s")

    admin = User.objects.filter(username="bench-office").first() or User.objects.create_superuser(
        "bench-office", "", "bench-password-123"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    timings, counts = [], []
    for page in range(1, args.renders + 1):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(f"/supervision/?page={page}")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        counts.append(len(queries))
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"board: p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms over "
        f"{len(timings)} renders; queries per render {min(counts)}–{max(counts)} "
        f"({Obligation.objects.count()} obligations in the table)"
    )


if __name__ == "__main__":
    main()
