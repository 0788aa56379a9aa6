from django.core.management.base import BaseCommand

from jindu.supervision import notifications


class Command(BaseCommand):
    help = (
        "E-mail the notifications that waited for the hourly limit (one mail per user and "
        "kind per hour). Run hourly by the systemd timer (docs/deploy.md)."
    )

    def handle(self, *args, **options):
        sent = notifications.send_pending()
        self.stdout.write(f"{sent} mail(s) sent.")
