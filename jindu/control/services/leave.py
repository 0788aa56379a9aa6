"""Leave from the county (条例第十九条): request, approval or refusal, extension, return or
overdue; absences without approval. Each counts toward a serious breach (条例第二十条).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jindu.core.errors import Refused

from .. import rules
from ..models import LeaveRequest, LeaveStatus, Person
from ..policy import control_policy
from ..selectors import running_community_order
from .common import (
    audit_create,
    audit_update,
    not_before,
    not_in_future,
    require_person_change,
    snapshot,
    today,
)
from .orders import check_breach

# ---------------------------------------------------------------- leave (条例第十九条)


@transaction.atomic
def request_leave(
    actor,
    person: Person,
    *,
    from_date: datetime.date,
    to_date: datetime.date,
    destination: str = "",
    reason: str = "",
) -> LeaveRequest:
    """A person under a community order asks to leave the county. Three days or more need
    approval in advance (条例第十九条); a shorter absence is recorded as approved."""
    require_person_change(actor, person)
    not_before(to_date, from_date, "to_date", _("The end is before the start."))
    rule = rules.leave_rule(control_policy(), from_date, to_date)
    leave = LeaveRequest.objects.create(
        person=person,
        order=running_community_order(person, from_date),
        from_date=from_date,
        to_date=to_date,
        destination=destination,
        reason=reason,
        status=LeaveStatus.REQUESTED if rule.needs_approval else LeaveStatus.APPROVED,
        decision_note="" if rule.needs_approval else _("Shorter than needs approval."),
        recorded_by=actor,
    )
    audit_create(actor, leave)
    return leave


@transaction.atomic
def decide_leave(actor, leave: LeaveRequest, *, approve: bool, note: str = "") -> LeaveRequest:
    require_person_change(actor, leave.person)
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.status != LeaveStatus.REQUESTED:
        raise Refused(_("This request has already been decided."))
    if not approve and not note.strip():
        raise Refused(_("Give the reason for refusing."), field="note")
    before = snapshot(leave)
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    leave.decided_by, leave.decided_on, leave.decision_note = actor, today(), note.strip()
    leave.save()
    audit_update(actor, leave, before)
    return leave


@transaction.atomic
def extend_leave(
    actor, leave: LeaveRequest, *, to_date: datetime.date, note: str = ""
) -> LeaveRequest:
    require_person_change(actor, leave.person)
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.status not in (LeaveStatus.APPROVED, LeaveStatus.OVERDUE):
        raise Refused(_("Only approved leave is extended."))
    if to_date <= leave.to_date:
        raise Refused(_("The extension must end after the current end."), field="to_date")
    before = snapshot(leave)
    leave.original_to_date = leave.original_to_date or leave.to_date
    leave.to_date = to_date
    leave.status = LeaveStatus.APPROVED
    leave.decided_by, leave.decided_on = actor, today()
    if note:
        leave.decision_note = note.strip()
    leave.save()
    audit_update(actor, leave, before)
    return leave


@transaction.atomic
def record_return(actor, leave: LeaveRequest, *, returned_date: datetime.date) -> LeaveRequest:
    """The person is back (销假); a return after the approved end counts as time away without
    approval."""
    require_person_change(actor, leave.person)
    leave = LeaveRequest.objects.select_for_update().select_related("person").get(pk=leave.pk)
    if leave.status not in (LeaveStatus.APPROVED, LeaveStatus.OVERDUE):
        raise Refused(_("Only approved leave is returned from."))
    not_in_future(returned_date, "returned_date")
    not_before(returned_date, leave.from_date, "returned_date", _("The return is before leaving."))
    before = snapshot(leave)
    leave.status, leave.returned_date = LeaveStatus.RETURNED, returned_date
    leave.save(update_fields=["status", "returned_date"])
    audit_update(actor, leave, before)
    if returned_date > leave.to_date:
        check_breach(actor, leave.person, on=returned_date)
    return leave


@transaction.atomic
def record_absence(
    actor, person: Person, *, from_date: datetime.date, to_date: datetime.date, note: str = ""
) -> LeaveRequest:
    """An absence from the county without approval (擅自离开), found afterwards."""
    require_person_change(actor, person)
    not_in_future(to_date, "to_date")
    not_before(to_date, from_date, "to_date", _("The end is before the start."))
    leave = LeaveRequest.objects.create(
        person=person,
        order=running_community_order(person, from_date),
        from_date=from_date,
        to_date=to_date,
        returned_date=to_date,
        status=LeaveStatus.UNAPPROVED,
        reason=note,
        recorded_by=actor,
    )
    audit_create(actor, leave)
    check_breach(actor, person, on=to_date)
    return leave


def mark_overdue_leaves(actor, on: datetime.date) -> int:
    """Daily: approved leave not returned from after its last day becomes overdue and counts
    toward a serious breach."""
    marked = 0
    for leave in LeaveRequest.objects.filter(
        status=LeaveStatus.APPROVED, to_date__lt=on, returned_date__isnull=True
    ).select_related("person"):
        with transaction.atomic():
            before = snapshot(leave)
            leave.status = LeaveStatus.OVERDUE
            leave.save(update_fields=["status"])
            audit_update(actor, leave, before)
            check_breach(actor, leave.person, on=on)
        marked += 1
    return marked
