from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jindu.policy import registry
from jindu.policy.loader import PolicyError, load_policy


class Command(BaseCommand):
    help = "Validate policy files and summarise what they say."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Files to check (default: every file in JINDU_POLICY_DIR)."
        )

    def handle(self, *args, paths=(), **options):
        files = [Path(p) for p in paths] or sorted(registry.policy_dir().glob("*.toml"))
        if not files:
            raise CommandError(f"No policy files in {registry.policy_dir()}")
        failed = False
        for path in files:
            try:
                policy = load_policy(path)
            except PolicyError as exc:
                self.stderr.write(self.style.ERROR(str(exc)))
                failed = True
                continue
            levels = "; ".join(
                f"{lv.short_name} {lv.period_months} months, {lv.extensions_allowed}×"
                f"{lv.extension_months} months extension, then {lv.after_extensions}"
                for lv in policy.levels
            )
            self.stdout.write(self.style.SUCCESS(f"{path}: {policy.id} OK"))
            self.stdout.write(
                f"  {policy.short_title} ({policy.issuer}, in force {policy.effective_date})\n"
                f"  {len(policy.categories)} categories; levels: {levels}\n"
                f"  {len(policy.conditions)} conditions; {len(policy.evaluation.items)} "
                f"scoresheet items; {len(policy.listing_obligations)} listing obligations; "
                f"{len(policy.consequences)} consequences; {len(policy.articles)} articles"
            )
        if failed:
            raise CommandError("Some policy files are invalid.")
