import contextlib
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from jindu.audit import services as audit
from jindu.orgs import demo

# Chinese labels for the summary (the data is Chinese; the console summary follows it).
KIND_LABELS = {
    "county": "县",
    "township": "乡镇",
    "park": "园区",
    "village": "村",
    "community": "社区",
    "grid": "网格",
    "member_unit": "成员单位",
    "police_station": "派出所",
    "judicial_office": "司法所",
    "positions": "任职记录",
    "current_positions": "其中现任",
    "logins": "演示账号",
}


@contextlib.contextmanager
def _queries_not_logged():
    """With DEBUG on (make run) Django logs every query, and on SQLite formats each with its
    parameters by a second query (SELECT QUOTE(?)…): a third of the load's statements. The
    loader's queries are not worth logging; DEBUG itself stays on (the development keys
    depend on it)."""
    connection.make_debug_cursor = connection.make_cursor
    try:
        yield
    finally:
        del connection.make_debug_cursor


class Command(BaseCommand):
    help = (
        "Load the fictional demo county (衡阳县): townships, villages, grids, member units, "
        "stations, positions and one login per role. Safe to run again: existing rows are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Do not print the table of demo logins (make run prints it just before serving).",
        )
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Only print the table of demo logins; load nothing.",
        )

    def handle(self, *args, logins_only=False, no_logins=False, **options):
        if logins_only:
            self.stdout.write(demo.demo_logins_text())
            return
        # One transaction for the whole demo: thousands of small commits were most of its
        # time (and a failed load leaves nothing half-written); the audit trail's rows are
        # chained in memory and written in bulk at the end (audit.batched).
        started, cpu = time.monotonic(), time.process_time()
        with _queries_not_logged(), transaction.atomic():
            with audit.batched():
                self._load(no_logins)
            wall, cpu = time.monotonic() - started, time.process_time() - cpu
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo county loaded in {wall:.1f} s ({cpu:.1f} s CPU, audit trail included)."
                )
            )

    def _load(self, no_logins):
        from jindu.control.demo import load_demo_control
        from jindu.enforcement.demo import load_demo_enforcement
        from jindu.indicators.demo import load_demo_indicators
        from jindu.precursors.demo import load_demo_precursors
        from jindu.prevention.demo import load_demo_prevention
        from jindu.rectification.demo import load_demo_listings
        from jindu.supervision.demo import load_demo_supervision

        cpu = time.process_time()
        result = demo.load_demo()
        created = ", ".join(f"{k} {v}" for k, v in sorted(result.created.items())) or "nothing"
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())) or "nothing"
        self.stdout.write(
            f"  organisation: {time.process_time() - cpu:.1f} s CPU"
            f"\n  created: {created}\n  already present: {skipped}"
        )
        for conflict in result.conflicts:
            self.stderr.write(self.style.WARNING(f"  kept existing data: {conflict}"))
        # Each area's demo, with the CPU time it took (the wall time on a shared machine
        # also measures the neighbours).
        for label, load in (
            ("demo listings", load_demo_listings),
            ("demo work reports", load_demo_supervision),
            ("demo people under control (fictional)", load_demo_control),
            ("demo enforcement cases (fictional)", load_demo_enforcement),
            ("demo precursor enterprises (fictional)", load_demo_precursors),
            ("demo prevention activities", load_demo_prevention),
            ("demo warning levels (two months) and briefings", load_demo_indicators),
        ):
            step = time.process_time()
            count = load()
            if count:
                self.stdout.write(f"  {label}: {count} ({time.process_time() - step:.1f} s CPU)")
        counts = demo.demo_counts()
        self.stdout.write(
            f"{demo.COUNTY_NAME}（{demo.COUNTY_CODE}）："
            + "，".join(f"{KIND_LABELS.get(k, k)} {v}" for k, v in counts.items())
        )
        if not no_logins:
            self.stdout.write("")
            self.stdout.write(demo.demo_logins_text())
