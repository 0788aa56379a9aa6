"""Re-encrypt every protected number with the current key and recompute its lookup hash.

Put the new Fernet key first in FIELD_ENCRYPTION_KEY and the old one(s) after it,
comma-separated (and a new FIELD_HASH_KEY if the hash key changes), run this command, then
drop the old keys. Rows are rewritten in batches, each in its own transaction, so a large
registry is not locked at once and an interrupted run can simply be started again (a row
already under the new key is rewritten to the same values).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core import crypto
from jindu.core.protected import protected_numbers


class Command(BaseCommand):
    help = "Re-encrypt protected numbers with the current FIELD_ENCRYPTION_KEY (MultiFernet)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size=500, **options):
        by_model: dict[type, list] = {}
        for model, field in protected_numbers():
            if model._meta.abstract:
                continue
            if not field.rotatable:
                # Only a hash is kept (no number to re-hash): say so, the rows stay as they are.
                self.stdout.write(
                    f"{model._meta.label}.{field.name}: kept only as a keyed hash; rows hashed "
                    "under an earlier FIELD_HASH_KEY keep that hash"
                )
                continue
            by_model.setdefault(model, []).append(field)
        total = 0
        for model, fields in by_model.items():
            columns = [c for f in fields for c in (f.cipher_field, f.hash_field) if c]
            done = self._rotate(model, fields, columns, batch_size)
            total += done
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
            # The trail records that a rotation happened, never a value or a hash.
            audit.record(
                None,
                AuditAction.UPDATE,
                model_label=model._meta.label,
                object_id="*",
                object_repr=f"rotate_field_key: {done} rows",
            )
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted."))

    def _rotate(self, model, fields, columns, batch_size: int) -> int:
        done = 0
        last_pk = None
        while True:
            with transaction.atomic():
                rows = model._base_manager.select_for_update().order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows[:batch_size])
                if not batch:
                    return done
                for row in batch:
                    for field in fields:
                        token = getattr(row, field.cipher_field)
                        plain = crypto.decrypt(token) if token else ""
                        setattr(row, field.cipher_field, crypto.rotate(token) if token else "")
                        if field.hash_field:
                            digest = crypto.lookup_hash(field.normalise(plain))
                            setattr(row, field.hash_field, digest)
                model._base_manager.bulk_update(batch, columns)
                done += len(batch)
                last_pk = batch[-1].pk
