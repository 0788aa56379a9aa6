from django.core.management.base import BaseCommand
from django.utils import timezone

from jindu.indicators.services import recent_keys, refresh_aggregates


class Command(BaseCommand):
    help = "Recompute the cockpit's precomputed figures (county and townships) for N months."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=36)

    def handle(self, *args, months, **options):
        written = refresh_aggregates(None, recent_keys(timezone.localdate(), months))
        self.stdout.write(f"{written} figures written")
