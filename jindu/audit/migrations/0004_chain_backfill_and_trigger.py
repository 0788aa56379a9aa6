"""Chain the rows already in the trail, then let PostgreSQL refuse UPDATE and DELETE on it.

The trigger is the database's own guarantee, whatever the application does; docs/deploy.md
adds the role split (the application's role has no UPDATE/DELETE/TRUNCATE grant). SQLite,
the embedded development database, keeps the ORM's refusal only: its test runs empty tables
with DELETE, which a trigger would refuse.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION jindu_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- No format placeholders here: Django passes this text through a parameter-aware cursor.
    RAISE EXCEPTION USING
        MESSAGE = 'The audit trail is append-only: ' || TG_OP || ' refused on ' || TG_TABLE_NAME,
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION jindu_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS jindu_audit_append_only();
"""


def backfill(apps, schema_editor):
    from jindu.audit import chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    prev = chain.GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        digest = chain.row_hash(prev, event)
        # The historical model has no append-only guard; this is the one-time chaining.
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, row_hash=digest)
        prev = digest


def trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def untrigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_and_alerts")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(trigger, untrigger),
    ]
