import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jindu.core.schedule import DAILY, run_due


class Command(BaseCommand):
    help = "Enqueue today's scheduled jobs (once per day; safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this date (YYYY-MM-DD); default today.")
        parser.add_argument("--list", action="store_true", help="List the registered jobs.")

    def handle(self, *args, date=None, list=False, **options):
        if list:
            for name in sorted(DAILY):
                self.stdout.write(name)
            return
        try:
            on = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        enqueued = run_due(on)
        self.stdout.write(
            f"{on}: enqueued {len(enqueued)} job(s)"
            + (": " + ", ".join(enqueued) if enqueued else " (all already ran today)")
        )
