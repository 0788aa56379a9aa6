"""How long the demo county takes to load, and that loading it again changes nothing.

Usage:
    .venv/bin/python bench/demo.py [--database-url URL] [--json FILE]

Without ``--database-url`` a fresh SQLite file in a temporary directory is migrated first
(the ``make run`` case). The loader (``manage.py load_demo``) runs twice in subprocesses;
each run reports wall time and CPU time (user + system, of the child): on a shared machine
wall time also measures the neighbours, CPU time measures the loader. The second run must
create nothing (idempotent). The target (#17) is under 20 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], env: dict) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(done.returncode)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # The loader prints each area's CPU time ("  demo work reports: 401 (1.4 s CPU)").
    areas = {
        m.group(1).strip(): float(m.group(2))
        for m in re.finditer(r"^\s+([^:\n]+):[^\n]*?([0-9.]+) s CPU\)?$", done.stdout, re.M)
    }
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "cpu_s_by_area": areas,
        "output": done.stdout,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", default="")
    options = parser.parse_args()
    env = dict(os.environ)
    tmp = None
    if options.database_url:
        env["DATABASE_URL"] = options.database_url
    else:
        tmp = tempfile.TemporaryDirectory()
        env["DATABASE_URL"] = f"sqlite:///{tmp.name}/demo.sqlite3"
    env.setdefault("DEBUG", "1")
    env.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    run(["migrate", "--no-input", "-v0"], env)
    first = run(["load_demo", "--no-logins"], env)
    second = run(["load_demo", "--no-logins"], env)
    idempotent = "created: nothing" in second["output"]
    result = {
        "first_load": {k: v for k, v in first.items() if k != "output"},
        "second_load": {k: v for k, v in second.items() if k != "output"},
        "second_load_created_nothing": idempotent,
        "target_s": 20,
        # Wall time on a shared machine measures the neighbours too: state the load.
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }
    print(json.dumps(result, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(result, indent=2))
    if tmp is not None:
        tmp.cleanup()
    if not idempotent:
        raise SystemExit("the second load created something: the demo is not idempotent")


if __name__ == "__main__":
    main()
