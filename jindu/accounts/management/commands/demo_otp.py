"""Print the current one-time code of a demo account (office, leader), whose TOTP key is
fixed by the demo loader. Refuses accounts that are not enrolled with the demo key."""

from django.core.management.base import BaseCommand, CommandError

from jindu.accounts import otp
from jindu.accounts.models import User


class Command(BaseCommand):
    help = "Print the current one-time code of a demo account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        device = otp.totp_device(user) if user else None
        if device is None or device.key != otp.demo_key(username):
            raise CommandError(f"{username} is not a demo account with the demo TOTP key.")
        self.stdout.write(otp.current_code(device))
