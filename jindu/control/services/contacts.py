"""Visits and conversations of the responsible workers (帮教走访、谈话记录)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jindu.core.errors import Refused

from ..models import ContactKind, ContactLog, ControlAssignment, Person
from .common import audit_create, not_before, not_in_future, require_person_change


@transaction.atomic
def record_contact(
    actor,
    person: Person,
    *,
    date: datetime.date,
    kind: str,
    summary: str,
    by_name: str = "",
    assignment: ControlAssignment | None = None,
) -> ContactLog:
    require_person_change(actor, person)
    if kind not in ContactKind.values:
        raise Refused(_("Choose a visit, a conversation or a phone call."), field="kind")
    not_in_future(date, "date")
    not_before(date, person.first_found_date, "date", _("The date is before the person was found."))
    if assignment is None:
        # Attributed to the person's current assignment, whichever entry point recorded it.
        assignment = (
            person.assignments.filter(end_date__isnull=True).order_by("-start_date").first()
        )
    if assignment is not None and assignment.person_id != person.pk:
        raise Refused(_("That assignment is for another person."), field="assignment")
    if not summary.strip():
        raise Refused(_("Say what was done or said."), field="summary")
    by_name = by_name.strip() or (assignment.responsible_name if assignment else "")
    if not by_name and actor is not None:
        by_name = actor.get_full_name() or actor.get_username()
    contact = ContactLog.objects.create(
        person=person,
        assignment=assignment,
        date=date,
        kind=kind,
        by_name=by_name[:50],
        summary=summary.strip(),
        recorded_by=actor,
    )
    audit_create(actor, contact)
    return contact
