"""Where one request's time goes, for each kind of bench/load.py (issue 16, item 12): in one
process, no HTTP server, through one Django test client (one handler, as a gunicorn worker
loads the middleware once), with production settings (DEBUG off). Prints per kind the mean
CPU and wall milliseconds and the SQL statements; ``--profile KIND`` prints a cProfile table.
The figure that counts is bench/load.py's; this one says what each request costs.

Usage:
    createdb -h 127.0.0.1 -U postgres jindu_bench_request
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jindu_bench_request \\
        .venv/bin/python bench/request_profile.py [--requests 200] [--profile "list page"]

The first run loads the demo county into the database (``load_demo``); later runs reuse it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import time

from generate import setup_django

KINDS = ("list page", "person API", "targets", "write")
PASSWORD = "Jindu-demo-2026"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200, help="per kind")
    parser.add_argument("--username", default="township")
    parser.add_argument("--profile", choices=KINDS, default=None)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument(
        "--callees", default="", help="also print what the functions matching this call"
    )
    parser.add_argument("--callers", default="", help="also print the callers of these")
    args = parser.parse_args()
    os.environ.update(
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        BEHIND_TLS_PROXY="0",
        TWO_FACTOR_API="0",
        LOG_LEVEL="WARNING",
        THROTTLE_USER="1000000/min",
        THROTTLE_ENDPOINT="1000000/min",
        THROTTLE_TOKEN="100000/min",
    )
    os.environ.setdefault("SECRET_KEY", "request-profile-" + "k" * 50)
    if not os.environ.get("FIELD_ENCRYPTION_KEY"):
        # The demo's numbers are encrypted with this key: keep it beside the database.
        key_file = "/tmp/jindu-request-profile.key"
        if not os.path.exists(key_file):
            from cryptography.fernet import Fernet

            with open(key_file, "w") as fh:
                fh.write(Fernet.generate_key().decode())
        os.environ["FIELD_ENCRYPTION_KEY"] = open(key_file).read().strip()
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jindu.control.models import Person
    from jindu.core.scoping import VIEW

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Person.objects.exists():
        call_command("load_demo", "--no-logins", verbosity=0)
    if connection.vendor == "postgresql":
        # As autovacuum would soon after the load (this machine's server runs without it).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=args.username)
    page_client = Client()
    page_client.force_login(user)
    api_client = Client()
    token = json.loads(
        api_client.post(
            "/api/v1/auth/token/",
            {"username": args.username, "password": PASSWORD, "name": "profile"},
            content_type="application/json",
        ).content
    )["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    person_ids = list(Person.objects.restrict(user, VIEW).values_list("pk", flat=True)[:200])

    def request(kind):
        if kind == "list page":
            return page_client.get("/control/persons/")
        if kind == "person API":
            return api_client.get("/api/v1/persons/?page_size=50", **auth)
        if kind == "targets":
            return api_client.get("/api/v1/kpis/control/", **auth)
        return api_client.post(
            "/api/v1/contacts/",
            {
                "person": random.choice(person_ids),
                "date": "2026-11-30",
                "kind": "visit",
                "summary": "压测走访",
            },
            content_type="application/json",
            **auth,
        )

    for kind in KINDS:  # warm up: templates, caches, the connection
        for _ in range(5):
            assert request(kind).status_code < 300, kind
    server_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            server_pid = cursor.fetchone()[0]

    def server_cpu() -> float:
        # The database's own CPU seconds for this connection (a local server: /proc).
        try:
            with open(f"/proc/{server_pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, TypeError):
            return float("nan")

    rows = []
    for kind in KINDS:
        profiler = cProfile.Profile() if kind == args.profile else None
        cpu, wall, statements = [], [], []
        server_before = server_cpu()
        for _ in range(args.requests):
            c0, w0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            with CaptureQueriesContext(connection) as queries:
                response = request(kind)
            if profiler:
                profiler.disable()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            statements.append(len(queries))
            assert response.status_code < 300, (kind, response.status_code)
        server_ms = (server_cpu() - server_before) * 1000 / args.requests
        mean = statistics.mean
        rows.append((kind, mean(cpu), mean(wall), mean(statements), server_ms))
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
            stats.print_stats(args.top)
            if args.callees:
                stats.print_callees(args.callees)
            if args.callers:
                stats.print_callers(args.callers)
            profile_text = out.getvalue()
            last_queries = [q["sql"][:160] for q in queries]
    print(f"{'kind':<12} {'CPU ms':>8} {'wall ms':>8} {'statements':>10} {'DB CPU ms':>10}")
    for kind, cpu_ms, wall_ms, n, server_ms in rows:
        print(f"{kind:<12} {cpu_ms:8.1f} {wall_ms:8.1f} {n:10.1f} {server_ms:10.1f}")
    total = sum(r[2] for r in rows)
    print(f"one round of the four: {total:.1f} ms wall")
    if args.profile:
        print(f"\nstatements of the last {args.profile!r}:")
        for sql in last_queries:
            print("  ", sql)
        print(profile_text)


if __name__ == "__main__":
    main()
