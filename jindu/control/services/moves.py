"""After a move under a community order (变更执行地, 条例第二十二条): the person reports to the
new township within the policy's days; the term runs on. ``services.move_residence`` records
the move and its deadline; here the report, and the daily look for reports not made."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jindu.core.errors import Refused

from ..models import FollowUpKind, ResidenceChange
from .common import audit_update, not_before, not_in_future, require_person_change, snapshot
from .followups import raise_follow_up


@transaction.atomic
def record_move_report(
    actor, move: ResidenceChange, *, reported_date: datetime.date
) -> ResidenceChange:
    require_person_change(actor, move.person)
    move = ResidenceChange.objects.select_for_update().select_related("person").get(pk=move.pk)
    if move.report_due is None:
        raise Refused(_("No report is due after this move."))
    if move.reported_date is not None:
        raise Refused(_("The report after this move is already recorded."))
    not_in_future(reported_date, "reported_date")
    not_before(reported_date, move.date, "reported_date", _("The report is before the move."))
    before = snapshot(move)
    move.reported_date = reported_date
    move.save(update_fields=["reported_date"])
    audit_update(actor, move, before)
    return move


def check_move_reports(actor, on: datetime.date) -> int:
    """Daily: moves whose report is overdue raise a follow-up for the new township, once."""
    overdue = ResidenceChange.objects.filter(
        report_due__lt=on, reported_date__isnull=True
    ).select_related("person", "to_unit")
    raised = 0
    for move in overdue.iterator():
        follow_up = raise_follow_up(
            actor,
            move.person,
            kind=FollowUpKind.REPORT_OVERDUE,
            key=f"report:move:{move.pk}",
            reason=_("Not reported to %(unit)s by %(date)s after the move.")
            % {"unit": move.to_unit.name, "date": move.report_due},
            basis=move.basis,
            due_date=move.report_due,
        )
        raised += follow_up is not None
    return raised
