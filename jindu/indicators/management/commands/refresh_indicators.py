from django.core.management.base import BaseCommand

from jindu.indicators.services import refresh_changed


class Command(BaseCommand):
    help = (
        "Refresh the cockpit's precomputed figures of the townships whose records changed since "
        "the last refresh (incremental; run it every few minutes from cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=2)

    def handle(self, *args, months, **options):
        done = refresh_changed(None, months=months)
        self.stdout.write(
            f"{done.events} changes: {len(done.townships)} townships and "
            f"{len(done.ancestors)} units above them, {done.rows} figures written "
            f"({', '.join(done.keys)})"
        )
