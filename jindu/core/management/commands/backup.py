"""Write an encrypted backup (database + media) for the key in BACKUP_PUBLIC_KEY."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from jindu.core import backup


class Command(BaseCommand):
    help = "Back up the database and the media folder, encrypted for BACKUP_PUBLIC_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=getattr(settings, "BACKUP_DIR", "backups"))
        parser.add_argument("--public-key", default="")

    def handle(self, *args, out, public_key, **options):
        path = backup.create_backup(Path(out), public_key_path=public_key or None)
        self.stdout.write(str(path))
