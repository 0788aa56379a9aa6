"""Load: 32 clients for 60 s on loopback against gunicorn (issue 16, item 12).

Each client loops over the person list page (a session), the person API, the control
targets and a write (a contact log entry over the API), and the script reports requests per
second, p50/p95/p99 latency per kind, errors, and rows written against 2xx write answers
(nothing lost).

Usage:
    .venv/bin/python bench/load.py [--clients 32] [--seconds 60] [--workers 3] [--url URL]
                                   [--json FILE]

Without ``--url`` it starts gunicorn itself as docs/deploy.md sets it up (``--workers``,
production settings, DEBUG off) on the database in DATABASE_URL (default: a fresh SQLite file
filled with the demo county).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "Jindu-demo-2026"


def percentile(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def start_server(args, work: Path) -> tuple[subprocess.Popen, str, dict]:
    env = dict(os.environ)
    env.update(
        JINDU_IGNORE_ENV_FILE="1",
        DEBUG="0",
        SECRET_KEY="load-test-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz-0123",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        BEHIND_TLS_PROXY="0",
        TWO_FACTOR_API="0",
        LOG_LEVEL="WARNING",
        THROTTLE_USER="1000000/min",
        THROTTLE_ENDPOINT="1000000/min",
        THROTTLE_TOKEN="100000/min",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'db.sqlite3'}")
    if "FIELD_ENCRYPTION_KEY" not in env:
        from cryptography.fernet import Fernet

        env["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    for cmd in (
        ["migrate", "--no-input", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run([PY, "manage.py", *cmd], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "load_demo", "--no-logins"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # What autovacuum does soon after a bulk load on a production server (this machine's
    # PostgreSQL runs with autovacuum off): without statistics the planner guesses one row per
    # table and the targets' query nests loops over every person.
    subprocess.run([PY, "manage.py", "shell", "-c", ANALYZE], cwd=ROOT, env=env, check=True)
    port = 8790 + random.randint(0, 100)
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "jindu.wsgi:application",
        "--workers",
        str(args.workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except Exception:
            time.sleep(0.5)
    return server, url, env


def api_token(url, username):
    request = urllib.request.Request(
        f"{url}/api/v1/auth/token/",
        data=json.dumps({"username": username, "password": PASSWORD, "name": "load"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.load(urllib.request.urlopen(request, timeout=30))["token"]


class _LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Production cookies are Secure (nginx terminates TLS); on loopback the client sends
    them over plain HTTP as the browser does over TLS."""

    def return_ok_secure(self, cookie, request):
        return True


def session_opener(url, username):
    jar = http.cookiejar.CookieJar(policy=_LoopbackPolicy())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{url}/login/", timeout=30).read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{url}/login/", data=body, headers={"X-CSRFToken": csrf, "Referer": f"{url}/login/"}
    )
    opener.open(request, timeout=30).read()
    return opener


class Client(threading.Thread):
    def __init__(self, url, username, token, person_ids, deadline, results, lock):
        super().__init__(daemon=True)
        self.url, self.username, self.token = url, username, token
        self.person_ids, self.deadline = person_ids, deadline
        self.results, self.lock = results, lock

    def timed(self, kind, fn):
        started = time.perf_counter()
        status = 0
        try:
            status = fn()
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception:
            status = -1
        elapsed = time.perf_counter() - started
        with self.lock:
            self.results.append((kind, status, elapsed))

    def api(self, path, body=None):
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status

    def run(self):
        opener = session_opener(self.url, self.username)

        def page():
            with opener.open(f"{self.url}/control/persons/", timeout=60) as response:
                response.read()
                return response.status

        while time.time() < self.deadline:
            self.timed("list page", page)
            self.timed("person API", lambda: self.api("/api/v1/persons/?page_size=50"))
            self.timed("targets", lambda: self.api("/api/v1/kpis/control/"))
            pk = random.choice(self.person_ids)
            self.timed(
                "write",
                lambda pk=pk: self.api(
                    "/api/v1/contacts/",
                    {"person": pk, "date": "2026-11-30", "kind": "visit", "summary": "压测走访"},
                ),
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--url", default="")
    parser.add_argument("--username", default="township")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jindu-load-"))
    server = None
    env = dict(os.environ)
    url = args.url
    if not url:
        server, url, env = start_server(args, work)
        _ENV.update(env)
    try:
        token = api_token(url, args.username)
        persons = json.load(
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{url}/api/v1/persons/?page_size=500",
                    headers={"Authorization": f"Token {token}"},
                ),
                timeout=60,
            )
        )["results"]
        person_ids = [p["id"] for p in persons]
        count_before = contacts_count(url, token)
        results: list = []
        lock = threading.Lock()
        deadline = time.time() + args.seconds
        clients = [
            Client(url, args.username, token, person_ids, deadline, results, lock)
            for _ in range(args.clients)
        ]
        started = time.time()
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        wall = time.time() - started
        written = contacts_count(url, token) - count_before
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    report = {"clients": args.clients, "seconds": round(wall, 1), "kinds": {}}
    for kind in sorted({k for k, _s, _e in results}):
        times = [e for k, _s, e in results if k == kind]
        statuses = [s for k, s, _e in results if k == kind]
        report["kinds"][kind] = {
            "requests": len(times),
            "errors": sum(1 for s in statuses if not 200 <= s < 300),
            "p50_ms": round(statistics.median(times) * 1000),
            "p95_ms": round(percentile(times, 95) * 1000),
            "p99_ms": round(percentile(times, 99) * 1000),
        }
    all_times = [e for _k, _s, e in results]
    report["requests_per_second"] = round(len(results) / wall, 1)
    report["p50_ms"] = round(statistics.median(all_times) * 1000) if all_times else 0
    report["p95_ms"] = round(percentile(all_times, 95) * 1000)
    report["p99_ms"] = round(percentile(all_times, 99) * 1000)
    report["errors"] = sum(1 for _k, s, _e in results if not 200 <= s < 300)
    report["writes_2xx"] = sum(1 for k, s, _e in results if k == "write" and 200 <= s < 300)
    report["rows_written"] = written
    report["lost"] = report["writes_2xx"] - written
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if report["errors"] == 0 and report["lost"] == 0 else 1


def contacts_count(url, token) -> int:
    # The office sees every contact; the demo's township sees its own — counted the same way
    # before and after, so the difference is what this run wrote.
    request = urllib.request.Request(
        f"{url}/api/v1/persons/?page_size=1", headers={"Authorization": f"Token {token}"}
    )
    urllib.request.urlopen(request, timeout=60).read()
    counter = subprocess.run(
        [PY, "manage.py", "shell", "-c", COUNT_CONTACTS],
        cwd=ROOT,
        env={**os.environ, **_server_env()},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(counter.stdout.strip().splitlines()[-1])


ANALYZE = (
    "from django.db import connection\n"
    "if connection.vendor == 'postgresql':\n"
    "    connection.cursor().execute('VACUUM ANALYZE')"
)
COUNT_CONTACTS = "from jindu.control.models import ContactLog; print(ContactLog.objects.count())"
_ENV: dict = {}


def _server_env() -> dict:
    return _ENV


if __name__ == "__main__":
    sys.exit(main())
