"""The tip reporter's phone becomes a protected number (encrypted and keyed hash,
jindu.core.protected): the hash column, filled for the tips already stored."""

from django.db import migrations, models


def hash_stored_phones(apps, schema_editor):
    from jindu.core import crypto

    Tip = apps.get_model("enforcement", "Tip")
    rows = Tip.objects.exclude(reporter_phone_encrypted="").only("pk", "reporter_phone_encrypted")
    for tip in rows.iterator(chunk_size=500):
        digits = crypto.decrypt(tip.reporter_phone_encrypted)
        Tip.objects.filter(pk=tip.pk).update(
            reporter_phone_hash=crypto.lookup_hash(crypto.normalise_phone(digits))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="tip",
            name="reporter_phone_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(hash_stored_phones, migrations.RunPython.noop),
    ]
