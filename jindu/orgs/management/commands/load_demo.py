import time

from django.core.management.base import BaseCommand

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
        started = time.monotonic()
        result = demo.load_demo()
        elapsed = time.monotonic() - started
        created = ", ".join(f"{k} {v}" for k, v in sorted(result.created.items())) or "nothing"
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())) or "nothing"
        self.stdout.write(
            self.style.SUCCESS(f"Demo county loaded in {elapsed:.1f} s.")
            + f"\n  created: {created}\n  already present: {skipped}"
        )
        for conflict in result.conflicts:
            self.stderr.write(self.style.WARNING(f"  kept existing data: {conflict}"))
        from jindu.control.demo import load_demo_control
        from jindu.rectification.demo import load_demo_listings
        from jindu.supervision.demo import load_demo_supervision

        listings = load_demo_listings()
        if listings:
            self.stdout.write(f"  demo listings: {listings}")
        reports = load_demo_supervision()
        if reports:
            self.stdout.write(f"  demo work reports: {reports}")
        people = load_demo_control()
        if people:
            self.stdout.write(f"  demo people under control (fictional): {people}")
        counts = demo.demo_counts()
        self.stdout.write(
            f"{demo.COUNTY_NAME}（{demo.COUNTY_CODE}）："
            + "，".join(f"{KIND_LABELS.get(k, k)} {v}" for k, v in counts.items())
        )
        if not no_logins:
            self.stdout.write("")
            self.stdout.write(demo.demo_logins_text())
