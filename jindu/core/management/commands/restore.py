"""Restore a backup written by `manage.py backup` (needs the private key)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from jindu.core import backup


class Command(BaseCommand):
    help = "Restore an encrypted backup into the configured (or the given) database."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--private-key", default="")
        parser.add_argument("--database-url", default="", help="default: the configured one")
        parser.add_argument("--media-root", default="")

    def handle(self, *args, file, private_key, database_url, media_root, **options):
        where = backup.restore_backup(
            Path(file),
            private_key_path=private_key or None,
            database_url=database_url,
            media_root=media_root or None,
        )
        self.stdout.write(f"restored into {where}")
