"""The audit trail is a hash chain: an edited or removed row is found, PostgreSQL refuses
UPDATE and DELETE, the daily job alerts the office (issue 16, item 4)."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from jindu.audit import chain
from jindu.audit import services as audit
from jindu.audit.models import AlertKind, AuditAction, AuditEvent, SecurityAlert
from jindu.core.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def make_events(n=4):
    return [
        audit.record(None, AuditAction.CREATE, model_label="x.Y", object_repr=f"r{i}")
        for i in range(n)
    ]


def test_each_row_is_chained_to_the_previous():
    events = make_events()
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.row_hash
    assert chain.verify() == (AuditEvent.objects.count(), None)
    call_command("verify_audit")


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql, params):
    """Edit the trail behind the application's back, as an intruder with the database would.

    On PostgreSQL the append-only trigger refuses that (tested below), so the intruder here is
    the superuser who switches the trigger off first; the chain must still catch the edit.
    """
    if connection.vendor != "postgresql":
        raw(sql, params)
        return
    with transaction.atomic():
        raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only", [])
        raw(sql, params)
        raw("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only", [])


def test_an_edited_row_is_reported_as_the_first_broken_link():
    events = make_events()
    tamper("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["tampered", events[2].pk])
    _checked, broken = chain.verify()
    assert broken.event_id == events[2].pk
    assert "edited" in broken.problem
    with pytest.raises(CommandError, match=f"event {events[2].pk}"):
        call_command("verify_audit")


def test_a_removed_row_breaks_the_next_link_and_the_daily_job_alerts():
    events = make_events()
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _checked, broken = chain.verify()
    assert broken.event_id == events[2].pk
    assert "removed" in broken.problem
    verify_audit_chain.call("2026-12-01")
    alert = SecurityAlert.objects.get(kind=AlertKind.AUDIT_CHAIN)
    assert str(events[2].pk) in alert.text
    verify_audit_chain.call("2026-12-01")  # once per day
    assert SecurityAlert.objects.filter(kind=AlertKind.AUDIT_CHAIN).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_on_the_trail():
    events = make_events(2)
    for sql in (
        "UPDATE audit_auditevent SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(sql, [events[0].pk])
    assert chain.verify()[1] is None
