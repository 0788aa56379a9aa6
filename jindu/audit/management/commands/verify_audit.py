"""Check the audit trail's hash chain; report the first broken link (exit status 1)."""

from django.core.management.base import BaseCommand, CommandError

from jindu.audit import chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        checked, broken = chain.verify()
        if broken is not None:
            raise CommandError(
                f"audit trail broken at event {broken.event_id}: {broken.problem} "
                f"({checked} rows before it are intact)"
            )
        self.stdout.write(f"audit trail intact: {checked} rows")
