"""Prevention at province scale: class-hour compliance, the three targets of 方案一（四） (and
their ratio to a hand-written SQL reference), and the public survey page under load.

Usage:
    createdb -h 127.0.0.1 -U postgres jindu_bench_prevention
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jindu_bench_prevention \\
        .venv/bin/python bench/prevention.py [--scale 1.0] [--json FILE]

``--scale 1`` is the issue's province: 2,000 townships × 10 villages, 20,000 schools,
400,000 classes, 3,000,000 lessons, 2,000,000 activities (plus fixtures, letters and
liaisons for most villages). ``--scale 0.05`` builds a twentieth of every count. The data is
written with COPY (bench/control_generate.py's Copier) on the first run and reused after.

The survey load: gunicorn as docs/deploy.md runs it (``--workers 3``, production settings,
behind a "proxy": the script sends X-Forwarded-Proto/For like nginx), on loopback; a bounded
number of simulated phones (``--phones``, each its own address and browser, so the
connection limit does not stop them) each GET the page and POST the answers, from
``--concurrency`` threads. Submissions per second are POSTs that were thanked.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from generate import ROOT, setup_django

TOWNSHIPS = 2000
VILLAGES_PER_TOWNSHIP = 10
TOWNSHIPS_PER_COUNTY = 20
SCHOOLS = 20_000
CLASSES = 400_000
LESSONS = 3_000_000
ACTIVITIES = 2_000_000
PERIOD = (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
SCHOOL_YEAR = "2019-2020"


def percentiles(timings: list[float]) -> dict:
    ordered = sorted(timings)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "n": len(ordered)}


def timed(call, runs: int, warm: int = 1) -> dict:
    for _ in range(warm):
        call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


# ---------------------------------------------------------------- data


def generate(scale: float, seed: int = 20261201) -> dict:
    from control_generate import Copier, reset_sequences
    from django.db import connection, transaction

    from jindu.accounts.models import User
    from jindu.orgs.models import OrgUnit
    from jindu.prevention.models import Activity, Fixture, Lesson, Liaison, School, SchoolClass
    from jindu.supervision.models import ResponsibilityLetter

    rng = random.Random(seed)
    townships = max(int(TOWNSHIPS * scale), TOWNSHIPS_PER_COUNTY)
    counts = {
        "townships": townships,
        "villages": townships * VILLAGES_PER_TOWNSHIP,
        "schools": max(int(SCHOOLS * scale), 1),
        "classes": max(int(CLASSES * scale), 1),
        "lessons": max(int(LESSONS * scale), 1),
        "activities": max(int(ACTIVITIES * scale), 1),
    }
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        copy = Copier(cursor, now)
        ids = iter(range(1, 10**8))
        rows = []
        province = next(ids)
        rows.append((province, "970000000000", "基准省", "county", "county", None, f"/{province}/"))
        education = next(ids)
        rows.append(
            (
                education,
                "97M000001",
                "县教育局",
                "member_unit",
                "department",
                province,
                f"/{province}/{education}/",
            )
        )
        counties, township_rows, village_rows = [], [], []
        for c in range(townships // TOWNSHIPS_PER_COUNTY):
            county = next(ids)
            c_path = f"/{province}/{county}/"
            rows.append((county, f"97C{c:05d}", f"基准县{c}", "county", "county", province, c_path))
            counties.append(county)
            for t in range(TOWNSHIPS_PER_COUNTY):
                township = next(ids)
                t_path = f"{c_path}{township}/"
                t_code = f"97T{c:04d}{t:03d}"
                rows.append(
                    (township, t_code, f"基准县{c}镇{t}", "township", "township", county, t_path)
                )
                township_rows.append((township, county))
                for v in range(VILLAGES_PER_TOWNSHIP):
                    village = next(ids)
                    rows.append(
                        (
                            village,
                            f"97V{c:04d}{t:03d}{v:03d}",
                            f"基准县{c}镇{t}村{v}",
                            "village",
                            "village",
                            township,
                            f"{t_path}{village}/",
                        )
                    )
                    village_rows.append((village, township))
        given = [
            "id",
            "code",
            "name",
            "kind",
            "level",
            "parent_id",
            "path",
            "is_active",
            "sort_order",
        ]
        copy(OrgUnit, given, ((*r, True, 0) for r in rows))

        # Schools spread over the townships; classes over schools, grades 1–12.
        school_ids = list(range(1, counts["schools"] + 1))
        copy(
            School,
            ["id", "name", "org_unit_id", "supervisor_id", "stage"],
            (
                (
                    s,
                    f"基准学校{s}",
                    township_rows[s % len(township_rows)][0],
                    education,
                    "primary" if s % 3 else "junior",
                )
                for s in school_ids
            ),
        )
        copy(
            SchoolClass,
            ["id", "school_id", "school_year", "grade", "name", "students"],
            (
                (k, school_ids[k % len(school_ids)], SCHOOL_YEAR, k % 12 + 1, f"班{k}", 45)
                for k in range(1, counts["classes"] + 1)
            ),
        )
        start = datetime.date(2019, 9, 1)

        def lessons():
            for i in range(1, counts["lessons"] + 1):
                yield (
                    i,
                    rng.randrange(1, counts["classes"] + 1),
                    start + datetime.timedelta(days=rng.randrange(300)),
                    "1.0",
                    "禁毒课",
                    "某老师",
                    "hengyang-2018-prevention",
                )

        copy(
            Lesson,
            ["id", "school_class_id", "date", "hours", "topic", "teacher_name", "policy_id"],
            lessons(),
        )

        def activities():
            for i in range(1, counts["activities"] + 1):
                village, township = village_rows[rng.randrange(len(village_rows))]
                in_village = rng.random() < 0.9
                yield (
                    i,
                    "hengyang-2018-prevention",
                    "lecture",
                    PERIOD[0] + datetime.timedelta(days=rng.randrange(365)),
                    village if in_village else township,
                    village if in_village else None,
                    rng.randint(10, 300),
                )

        copy(
            Activity,
            ["id", "policy_id", "kind", "date", "org_unit_id", "village_id", "headcount"],
            activities(),
        )
        fixtures = [(i, v) for i, (v, _t) in enumerate(village_rows, 1) if rng.random() < 0.85]
        copy(
            Fixture,
            ["id", "policy_id", "kind", "org_unit_id", "location", "photographed_on"],
            (
                (i, "hengyang-2018-prevention", "window", v, "村部", datetime.date(2019, 9, 1))
                for i, v in fixtures
            ),
        )
        copy(
            Liaison,
            ["id", "org_unit_id", "name", "title", "start_date"],
            (
                (i, v, "联络员", "", datetime.date(2019, 1, 1))
                for i, (v, _t) in enumerate(village_rows, 1)
                if i % 5
            ),
        )
        copy(
            ResponsibilityLetter,
            ["id", "year", "upper_unit_id", "lower_unit_id", "signed_on"],
            (
                (i, 2019, t, v, datetime.date(2019, 3, 1))
                for i, (v, t) in enumerate(village_rows, 1)
                if i % 4
            ),
        )
        reset_sequences(
            cursor,
            [
                OrgUnit,
                School,
                SchoolClass,
                Lesson,
                Activity,
                Fixture,
                Liaison,
                ResponsibilityLetter,
            ],
        )
        office = User(username="bench-office", role="office_admin", unit_id=province)
        office.set_password("Bench-password-2026")
        office.save()
    # As autovacuum would: statistics and the visibility map (index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["first_county"] = counties[0]
    return counts


def generate_tips(scale: float, seed: int = 20261203) -> dict:
    """Population figures, tips and cases for the third target (tips per 10,000 residents),
    added to a database of ``generate`` that has none: registered figures for most townships
    in 2018 and 2019 (some only 2018, some with a resident figure too), one county's own
    figure, and tips and solved cases over 2018–2019, a third of the cases from a tip."""
    from control_generate import Copier, reset_sequences
    from django.db import connection, transaction

    from jindu.enforcement.models import Case, Population, Tip
    from jindu.orgs.models import OrgUnit

    rng = random.Random(seed)
    townships = list(
        OrgUnit.objects.filter(level="township").order_by("pk").values_list("pk", flat=True)
    )
    counties = list(
        OrgUnit.objects.filter(level="county", parent__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    n_tips, n_cases = max(int(40_000 * scale), 200), max(int(20_000 * scale), 100)
    day0 = datetime.date(2018, 1, 1)
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        copy = Copier(cursor, now)
        figures = []
        for i, t in enumerate(townships):
            if i % 20 == 7:
                continue  # no figure at all
            figures.append((t, 2018, "registered", 20_000 + rng.randrange(30_000)))
            if i % 10 != 3:
                figures.append((t, 2019, "registered", 20_000 + rng.randrange(30_000)))
            if i % 6 == 0:
                figures.append((t, 2019, "resident", 20_000 + rng.randrange(30_000)))
        # A county of its own figure (not the first: that one sums its townships).
        figures.append((counties[-1], 2019, "registered", 612_345))
        copy(Population, ["org_unit_id", "year", "kind", "residents"], iter(figures))
        cases = []
        for i in range(1, n_cases + 1):
            filed = day0 + datetime.timedelta(days=rng.randrange(700))
            solved = (
                filed + datetime.timedelta(days=rng.randrange(30)) if rng.random() < 0.8 else None
            )
            cases.append(
                (
                    i,
                    f"BENCH-{i:07d}",
                    "criminal",
                    "贩卖毒品",
                    "刑法第三百四十七条",
                    filed,
                    solved,
                    townships[rng.randrange(len(townships))],
                    "hengyang-2018-prevention",
                )
            )
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
                "policy_id",
            ],
            iter(cases),
        )
        from_tips = [c for c in cases if rng.random() < 1 / 3]

        def tips():
            for i in range(1, n_tips + 1):
                if i <= len(from_tips):
                    case = from_tips[i - 1]
                    yield (i, case[5], "hotline", case[7], "线索", case[0])
                else:
                    yield (
                        i,
                        day0 + datetime.timedelta(days=rng.randrange(730)),
                        "hotline",
                        townships[rng.randrange(len(townships))],
                        "线索",
                        None,
                    )

        copy(Tip, ["id", "received_date", "channel", "org_unit_id", "content", "case_id"], tips())
        reset_sequences(cursor, [Population, Case, Tip])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE enforcement_population")
        cursor.execute("VACUUM ANALYZE enforcement_case")
        cursor.execute("VACUUM ANALYZE enforcement_tip")
    return {
        "population_figures": len(figures),
        "cases": n_cases,
        "tips": n_tips,
        "seconds": round(time.perf_counter() - started, 1),
    }


# ---------------------------------------------------------------- reads


# The three targets written by hand (not used by the app): the village counts, the tips of
# the period and of the same period a year before, the cases solved and those from a tip,
# and the population (the unit's own latest figure, else its townships' latest figures).
REFERENCE_SQL = """
WITH v AS (
  SELECT u.id,
    (SELECT COUNT(*) FROM prevention_activity a
      WHERE a.village_id = u.id AND a.date BETWEEN %(d0)s AND %(d1)s) AS n,
    EXISTS (SELECT 1 FROM prevention_fixture f WHERE f.org_unit_id = u.id AND f.kind = 'window'
            AND f.photographed_on > %(fresh)s AND f.photographed_on <= %(d1)s) AS fixture,
    EXISTS (SELECT 1 FROM supervision_responsibilityletter l WHERE l.lower_unit_id = u.id
            AND l.year BETWEEN %(y0)s AND %(y1)s) AS letter,
    EXISTS (SELECT 1 FROM prevention_liaison p WHERE p.org_unit_id = u.id AND p.start_date <= %(d1)s
            AND (p.end_date IS NULL OR p.end_date >= %(d0)s)) AS liaison
  FROM orgs_orgunit u
  WHERE u.level = 'village' AND u.is_active AND u.path LIKE %(path)s
),
tips AS (
  SELECT COUNT(*) FILTER (WHERE t.received_date >= %(d0)s) AS tips,
         COUNT(*) FILTER (WHERE t.received_date <= %(p1)s) AS previous_tips
  FROM enforcement_tip t JOIN orgs_orgunit u ON u.id = t.org_unit_id
  WHERE u.path LIKE %(path)s
    AND (t.received_date BETWEEN %(d0)s AND %(d1)s OR t.received_date BETWEEN %(p0)s AND %(p1)s)
),
cases AS (
  SELECT COUNT(*) AS cases,
         COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM enforcement_tip t WHERE t.case_id = c.id))
           AS cases_from_tips
  FROM enforcement_case c JOIN orgs_orgunit u ON u.id = c.org_unit_id
  WHERE u.path LIKE %(path)s AND c.solved_date BETWEEN %(d0)s AND %(d1)s
)
SELECT COUNT(*), COUNT(*) FILTER (WHERE n >= 1 AND fixture),
       COUNT(*) FILTER (WHERE letter AND liaison AND n >= 2),
       (SELECT tips FROM tips), (SELECT previous_tips FROM tips),
       (SELECT cases FROM cases), (SELECT cases_from_tips FROM cases),
       COALESCE(
         (SELECT p.residents FROM enforcement_population p
           WHERE p.org_unit_id = %(unit)s AND p.year <= %(y1)s
           ORDER BY p.year DESC, p.kind LIMIT 1),
         (SELECT NULLIF(SUM(latest.residents), 0) FROM (
            SELECT DISTINCT ON (p.org_unit_id) p.residents
            FROM enforcement_population p JOIN orgs_orgunit u ON u.id = p.org_unit_id
            WHERE u.level = 'township' AND u.path LIKE %(path)s AND p.year <= %(y1)s
            ORDER BY p.org_unit_id, p.year DESC, p.kind) latest))
FROM v
"""
TARGET_NUMBERS = (
    "villages",
    "covered",
    "mobilised",
    "tips",
    "previous_tips",
    "cases",
    "cases_from_tips",
    "population",
)

REFERENCE_CLASS_HOURS = """
SELECT COUNT(*),
       COUNT(*) FILTER (WHERE c.grade BETWEEN 5 AND 11),
       COUNT(*) FILTER (WHERE c.grade BETWEEN 5 AND 11 AND COALESCE(
         (SELECT SUM(l.hours) FROM prevention_lesson l WHERE l.school_class_id = c.id), 0) >= 4)
FROM prevention_schoolclass c JOIN prevention_school s ON s.id = c.school_id
JOIN orgs_orgunit u ON u.id = s.org_unit_id
WHERE c.school_year = %(year)s AND u.path LIKE %(path)s
"""

# The periods checked for the same numbers (the first is the one timed); the tips of each
# are compared with the same period a year before.
PERIODS = (
    ("2019", datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)),
    ("2019 H2", datetime.date(2019, 7, 1), datetime.date(2019, 12, 31)),
    ("2019 Q4", datetime.date(2019, 10, 1), datetime.date(2019, 12, 31)),
)


def reference_numbers(cursor, unit, d0, d1) -> dict:
    from jindu.prevention import rules

    cursor.execute(
        REFERENCE_SQL,
        {
            "d0": d0,
            "d1": d1,
            "p0": d0.replace(year=d0.year - 1),
            "p1": d1.replace(year=d1.year - 1),
            "y0": d0.year,
            "y1": d1.year,
            "fresh": rules.add_months(d1, -6),
            "path": unit.path + "%",
            "unit": unit.pk,
        },
    )
    return dict(zip(TARGET_NUMBERS, cursor.fetchone(), strict=True))


def project_numbers(user, unit, d0, d1) -> dict:
    from jindu.prevention import selectors

    coverage, mobilisation, tips = selectors.prevention_kpis(user, unit, d0, d1)
    assert coverage.denominator == mobilisation.denominator
    return {
        "villages": coverage.denominator,
        "covered": coverage.numerator,
        "mobilised": mobilisation.numerator,
        "tips": tips.numerator,
        "previous_tips": tips.extra["previous_tips"],
        "cases": tips.extra["cases"],
        "cases_from_tips": tips.extra["cases_from_tips"],
        "population": tips.extra["population"],
    }


def reference_hours(cursor, unit) -> dict:
    cursor.execute(REFERENCE_CLASS_HOURS, {"year": SCHOOL_YEAR, "path": unit.path + "%"})
    return dict(zip(("classes", "required_classes", "met"), cursor.fetchone(), strict=True))


def project_hours(user, unit) -> dict:
    from jindu.prevention import selectors

    summary = selectors.class_hours_summary(user, unit=unit, school_year=SCHOOL_YEAR)
    return {k: summary[k] for k in ("classes", "required_classes", "met")}


def reads(runs: int) -> list[dict]:
    """Each of the project's reads beside its hand-written SQL: first the same numbers (all
    periods, province and one county), then timed alternately — project, reference,
    project, … — in this process on this connection; the reference, like the project,
    switches JIT off for its transaction."""
    from django.db import connection, transaction

    from jindu.accounts.models import User
    from jindu.orgs.models import OrgUnit

    user = User.objects.get(username="bench-office")
    province = OrgUnit.objects.filter(parent__isnull=True).get()
    county = OrgUnit.objects.filter(level="county", parent=province).order_by("pk").first()
    units = (("province", province), ("county", county))

    def by_hand(fn, *args):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            return fn(cursor, *args)

    for label, unit in units:
        for period, d0, d1 in PERIODS:
            ours, theirs = (
                project_numbers(user, unit, d0, d1),
                by_hand(reference_numbers, unit, d0, d1),
            )
            print(f"  same numbers, three targets · {label} · {period}: {ours == theirs}", ours)
            if ours != theirs:
                raise SystemExit(f"project {ours} ≠ reference {theirs}")
        ours, theirs = project_hours(user, unit), by_hand(reference_hours, unit)
        print(f"  same numbers, class-hour compliance · {label}: {ours == theirs}", ours)
        if ours != theirs:
            raise SystemExit(f"project {ours} ≠ reference {theirs}")

    _, d0, d1 = PERIODS[0]
    rows = []
    for label, unit in units:
        cases = (
            (
                "three targets",
                lambda unit=unit: project_numbers(user, unit, d0, d1),
                lambda unit=unit: by_hand(reference_numbers, unit, d0, d1),
            ),
            (
                "class-hour compliance",
                lambda unit=unit: project_hours(user, unit),
                lambda unit=unit: by_hand(reference_hours, unit),
            ),
        )
        for name, project, reference in cases:
            mine, theirs = [], []
            for i in range(runs + 2):
                started = time.perf_counter()
                project()
                middle = time.perf_counter()
                reference()
                ended = time.perf_counter()
                if i >= 2:  # two warm-up rounds
                    mine.append((middle - started) * 1000)
                    theirs.append((ended - middle) * 1000)
            p, r = percentiles(mine), percentiles(theirs)
            rows.append(
                {
                    "case": f"{name} · {label}",
                    "p50": p["p50"],
                    "p95": p["p95"],
                    "sql_p50": r["p50"],
                    "sql_p95": r["p95"],
                    "ratio_p50": round(p["p50"] / max(r["p50"], 0.01), 2),
                    "ratio_p95": round(p["p95"] / max(r["p95"], 0.01), 2),
                    "n": p["n"],
                }
            )
            print(" · ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
    return rows


# ---------------------------------------------------------------- the survey page under load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def survey_load(phones: int, concurrency: int, workers: int) -> dict:
    from jindu.orgs.models import OrgUnit
    from jindu.prevention import services
    from jindu.prevention.models import SurveyResponse
    from jindu.prevention.web import links

    township = OrgUnit.objects.filter(level="township").order_by("pk").first()
    today = datetime.date.today()
    survey = services.create_survey(
        None,
        title="基准满意度调查",
        period_start=today,
        period_end=today + datetime.timedelta(days=7),
    )
    path = links.answer_url(survey, township)
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "bench.example",
        "BEHIND_TLS_PROXY": "1",
        "JINDU_IGNORE_ENV_FILE": "1",
        "FIELD_ENCRYPTION_KEY": os.environ.get("FIELD_ENCRYPTION_KEY")
        or __import__("cryptography.fernet", fromlist=["Fernet"]).Fernet.generate_key().decode(),
        "DJANGO_SETTINGS_MODULE": "jindu.settings",
    }
    # Production settings serve static files from the collected manifest (docs/deploy.md).
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "jindu.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # Wait until every worker answers (booting is slow on a loaded machine).
        ready = 0
        deadline = time.monotonic() + 180
        while ready < workers * 2 and time.monotonic() < deadline:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                probe.request(
                    "GET",
                    "/healthz",
                    headers={"Host": "bench.example", "X-Forwarded-Proto": "https"},
                )
                ready += probe.getresponse().status == 200
                probe.close()
            except OSError:
                time.sleep(0.5)
        before = SurveyResponse.objects.filter(survey=survey).count()
        queue = list(range(phones))
        lock = threading.Lock()
        thanked, failures, latencies = [0], [], []
        token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
        body = "&".join(f"{q['code']}={len(q['scale'])}" for q in survey.questions)

        def phone(n: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {
                "Host": "bench.example",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
                "User-Agent": f"BenchPhone/{n}",
            }
            conn.request("GET", path, headers=headers)
            page = conn.getresponse()
            html = page.read().decode()
            cookies = "; ".join(
                c.split(";", 1)[0] for k, c in page.getheaders() if k.lower() == "set-cookie"
            )
            match = token_re.search(html)
            if page.status != 200 or not match:
                raise RuntimeError(f"GET {page.status}")
            started = time.perf_counter()
            conn.request(
                "POST",
                path,
                body=f"csrfmiddlewaretoken={match[1]}&{body}",
                headers={
                    **headers,
                    "Cookie": cookies,
                    "Origin": "https://bench.example",
                    "Referer": f"https://bench.example{path}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            answer = conn.getresponse()
            text = answer.read().decode()
            latencies.append((time.perf_counter() - started) * 1000)
            conn.close()
            if answer.status != 200 or "thanks" not in text:
                raise RuntimeError(f"POST {answer.status}")

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    n = queue.pop()
                try:
                    phone(n)
                    with lock:
                        thanked[0] += 1
                except Exception as exc:  # counted, not fatal: the figure is what got through
                    with lock:
                        failures.append(str(exc))

        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        stored = SurveyResponse.objects.filter(survey=survey).count() - before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "case": f"public survey page · gunicorn {workers} workers · {concurrency} concurrent",
        "phones": phones,
        "thanked": thanked[0],
        "stored": stored,
        "failures": len(failures),
        "first_failure": failures[0] if failures else "",
        "seconds": round(elapsed, 1),
        # Each phone makes a GET and a POST: submissions per second count the POSTs, over the
        # whole run (so the GETs' time is included, as on a real phone).
        "submissions_per_s": round(thanked[0] / elapsed, 1),
        "post_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the issue's province")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs/deploy.md)")
    parser.add_argument("--only", choices=("reads", "survey"), action="append")
    parser.add_argument("--json")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "1")
    # The survey links are signed: the server under load must share the key.
    os.environ.setdefault("SECRET_KEY", "bench-prevention-" + "k" * 50)
    setup_django()
    from django.core.management import call_command

    from jindu.prevention.models import Activity

    if (
        "postgresql"
        not in __import__("django.db", fromlist=["connection"]).connection.vendor + "ql"
    ):
        sys.exit("Run the benchmark on PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    # The rate limits' shared cache table (docs/deploy.md: createcachetable after migrate).
    call_command("createcachetable", verbosity=0)
    figures: dict = {"scale": args.scale}
    if not Activity.objects.exists():
        figures["generated"] = generate(args.scale)
        print("generated:", figures["generated"])
    from jindu.enforcement.models import Tip

    if not Tip.objects.exists():
        figures["generated_tips"] = generate_tips(args.scale)
        print("generated tips:", figures["generated_tips"])
    rows = []
    if not args.only or "reads" in args.only:
        rows += reads(args.runs)
    if not args.only or "survey" in args.only:
        rows.append(survey_load(args.phones, args.concurrency, args.workers))
    figures["rows"] = rows
    for row in rows[len(rows) - 1 :] if rows and "phones" in rows[-1] else []:
        print(" · ".join(f"{k}={v}" for k, v in row.items()))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
