from django.core.management.base import BaseCommand

from jindu.precursors import services


class Command(BaseCommand):
    help = (
        "Copy the national rule book's catalogue (policies/precursors/precursors-law.toml) "
        "into the database. Entries the office edited are kept as they are."
    )

    def handle(self, *args, **options):
        counts = services.load_catalogue(None)
        self.stdout.write(
            self.style.SUCCESS(
                "catalogue: {created} created, {updated} updated, {kept} kept (edited)".format(
                    **counts
                )
            )
        )
