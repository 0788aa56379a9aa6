"""Where the public survey answer's time goes: one process, no HTTP server, a bounded number
of POSTs (``--posts``) through Django's test client with the production middleware, each from
its own "phone" (address, browser). Prints queries per POST, the mean time per POST and the
top functions by cumulative time (cProfile). The throughput under gunicorn is measured by
bench/prevention.py --only survey.

Usage:
    createdb -h 127.0.0.1 -U postgres jindu_bench_survey
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jindu_bench_survey \\
        .venv/bin/python bench/survey_profile.py [--posts 200] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import re
import statistics
import time
from http.cookies import SimpleCookie

from generate import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (tottime …)")
    parser.add_argument(
        "--what", choices=("post", "get"), default="post", help="which request is profiled"
    )
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "bench.example,testserver")
    os.environ.setdefault("BEHIND_TLS_PROXY", "1")
    os.environ.setdefault("SECRET_KEY", "bench-survey-" + "k" * 50)
    if not os.environ.get("FIELD_ENCRYPTION_KEY"):
        from cryptography.fernet import Fernet

        os.environ["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jindu.orgs import services as orgs
    from jindu.orgs.models import OrgUnit, UnitLevel
    from jindu.prevention import services
    from jindu.prevention.web import links

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    # Production settings serve static files from the collected manifest (docs/deploy.md).
    call_command("collectstatic", interactive=False, verbosity=0)
    county = OrgUnit.objects.filter(level=UnitLevel.COUNTY).first() or orgs.create_unit(
        None, code="990101000000", name="基准县", kind="county"
    )
    township = OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP).first() or orgs.create_unit(
        None, code="990101100000", name="基准镇", kind="township", parent=county
    )
    today = datetime.date.today()
    survey = services.create_survey(
        None, title="剖析满意度调查", period_start=today, period_end=today
    )
    path = links.answer_url(survey, township)
    body = {q["code"]: str(len(q["scale"])) for q in survey.questions}
    token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    # One client (one handler, as a gunicorn worker loads the middleware once); each phone
    # starts without cookies. A new Client per phone would rebuild WhiteNoise's file table.
    client = Client(enforce_csrf_checks=True)

    def phone(n: int, profiler=None):
        client.cookies = SimpleCookie()
        headers = {
            "HTTP_HOST": "bench.example",
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_X_FORWARDED_FOR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            "HTTP_USER_AGENT": f"BenchPhone/{n}",
        }
        started = time.perf_counter()
        if profiler and args.what == "get":
            profiler.enable()
        with CaptureQueriesContext(connection) as got:
            page = client.get(path, secure=True, **headers)
        if profiler and args.what == "get":
            profiler.disable()
        get_ms = (time.perf_counter() - started) * 1000
        token = token_re.search(page.content.decode())[1]
        started = time.perf_counter()
        if profiler and args.what == "post":
            profiler.enable()
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(
                path,
                {"csrfmiddlewaretoken": token, **body},
                secure=True,
                HTTP_REFERER=f"https://bench.example{path}",
                HTTP_ORIGIN="https://bench.example",
                **headers,
            )
        if profiler and args.what == "post":
            profiler.disable()
        elapsed = (time.perf_counter() - started) * 1000
        assert answer.status_code == 200 and b"thanks" in answer.content, answer.status_code
        if args.what == "get":
            return get_ms, len(got), [q["sql"][:120] for q in got]
        return elapsed, len(queries), [q["sql"][:120] for q in queries]

    for n in range(5):  # warm up
        phone(10**6 + n)
    profiler = cProfile.Profile()
    times, counts = [], []
    sample = []
    for n in range(args.posts):
        elapsed, count, sqls = phone(n, profiler)
        times.append(elapsed)
        counts.append(count)
        sample = sqls
    print(
        f"{args.what.upper()} × {args.posts} · mean {statistics.mean(times):.1f} ms · p50 "
        f"{statistics.median(times):.1f} ms · queries each {statistics.mean(counts):.1f}"
    )
    print(f"queries of the last {args.what.upper()}:")
    for sql in sample:
        print("  ", sql)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
