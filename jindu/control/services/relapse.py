"""Grid relapse reports (Plan 四(一)六): a grid worker reports suspected relapse or a new
suspected user in their grid; the police station covering the township accepts it, records
the check and closes it with the outcome. The grid worker follows the status of their own
reports and learns nothing else about the person."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.accounts.roles import Role
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import can, scope_for
from jindu.orgs.models import OrgUnit, UnitLevel

from ..models import (
    Person,
    RelapseKind,
    RelapseOutcome,
    RelapseReport,
    RelapseStatus,
    TestKind,
    TestResult,
)
from .common import audit_create, audit_update, may_view_person, not_before, not_in_future, snapshot
from .registry import record_finding

CHECK_RESULTS = (TestResult.NEGATIVE, TestResult.POSITIVE, TestResult.REFUSED)


@transaction.atomic
def submit_relapse_report(
    actor,
    *,
    subject: str,
    place: str,
    observed_on: datetime.date,
    observation: str,
    grid: OrgUnit | None = None,
    kind: str = RelapseKind.RELAPSE,
    observed_time: datetime.time | None = None,
) -> RelapseReport:
    """A grid worker reports from their own grid (the office may file one for any grid)."""
    scope = scope_for(actor) if actor is not None else None
    if scope is not None and not scope.may(REPORT, RelapseReport):
        raise NotAllowed(_("Grid workers report relapse from their grid."))
    if scope is not None and scope.role == Role.GRID_WORKER:
        grid = actor.unit
    if grid is None or grid.level != UnitLevel.GRID:
        raise Refused(_("Choose the grid."), field="grid")
    errors = {
        name: [_("This field is required.")]
        for name, value in (("subject", subject), ("place", place), ("observation", observation))
        if not (value or "").strip()
    }
    if errors:
        raise Refused(next(iter(errors.values()))[0], errors=errors)
    not_in_future(observed_on, "observed_on")
    if kind not in RelapseKind.values:
        raise Refused(_("Say whether it is a known person or a new one."), field="kind")
    report = RelapseReport.objects.create(
        reporter=actor,
        grid=grid,
        kind=kind,
        observed_time=observed_time,
        subject=subject.strip(),
        place=place.strip(),
        observed_on=observed_on,
        observation=observation.strip(),
    )
    audit_create(actor, report)
    _notify_stations(report)
    return report


# The named actions of a relapse report (RelapseReport.scope_actions).
REPORT = "report"
HANDLE = "handle"


def may_report(user) -> bool:
    """Whether ``user`` files relapse reports (a grid worker, or the office for any grid)."""
    return scope_for(user).may(REPORT, RelapseReport)


def may_handle(user, report: RelapseReport | None = None) -> bool:
    """Whether ``user`` handles relapse reports (this one, if given): the one rule the
    services, the pages and the menu read."""
    if not scope_for(user).may(HANDLE, RelapseReport):
        return False
    return report is None or can(user, HANDLE, report)


def _notify_stations(report: RelapseReport) -> int:
    """The police stations covering the grid's township act on the report: tell their staff.
    The text names no one; the link leads to the report."""
    from django.urls import reverse

    from jindu.orgs.models import UnitKind
    from jindu.supervision import notifications

    township = report.grid.township()
    if township is None:
        return 0
    stations = OrgUnit.objects.filter(
        kind=UnitKind.POLICE_STATION, covers=township, is_active=True
    ).values_list("pk", flat=True)
    return notifications.notify(
        notifications.unit_staff(stations, roles=[Role.POLICE_STATION]),
        kind="relapse_report",
        key=f"relapse-report:{report.pk}",
        text=_("New relapse report from %(grid)s (%(township)s).")
        % {"grid": report.grid.name, "township": township.name},
        url=reverse("control:relapse_detail", args=[report.pk]),
    )


def _require_station(actor, report: RelapseReport) -> None:
    """The police station covering the report's township (or the office) handles it."""
    if actor is None:
        return
    if not may_handle(actor, report):
        raise NotAllowed(_("The police station covering the township handles this report."))


def _link(actor, report: RelapseReport, person: Person | None) -> None:
    if person is None:
        return
    if not may_view_person(actor, person.pk):
        raise Refused(_("Unknown person."), field="person")
    report.person = person


def _step(actor, report: RelapseReport, expected: str) -> RelapseReport:
    _require_station(actor, report)
    report = RelapseReport.objects.select_for_update().get(pk=report.pk)
    if report.status != expected:
        raise Refused(
            _("The report is %(status)s; this step is not possible now.")
            % {"status": report.get_status_display()}
        )
    return report


@transaction.atomic
def accept_relapse_report(actor, report: RelapseReport, *, person: Person | None = None):
    report = _step(actor, report, RelapseStatus.SUBMITTED)
    before = snapshot(report)
    _link(actor, report, person)
    report.status = RelapseStatus.ACCEPTED
    report.accepted_by, report.accepted_at = actor, timezone.now()
    report.save()
    audit_update(actor, report, before)
    return report


@transaction.atomic
def check_relapse_report(
    actor,
    report: RelapseReport,
    *,
    check_date: datetime.date,
    result: str,
    note: str = "",
    person: Person | None = None,
    test_kind: str = TestKind.URINE,
) -> RelapseReport:
    """Record the check (a test). For a known person the test goes into their record too, with
    the follow-ups a positive or refused test brings."""
    report = _step(actor, report, RelapseStatus.ACCEPTED)
    if result not in CHECK_RESULTS:
        raise Refused(_("Choose negative, positive or refused."), field="result")
    if test_kind not in TestKind.values:
        raise Refused(_("Choose urine or hair."), field="test_kind")
    not_in_future(check_date, "check_date")
    not_before(check_date, report.observed_on, "check_date", _("The check is before the report."))
    before = snapshot(report)
    _link(actor, report, person)
    report.status = RelapseStatus.CHECKED
    report.check_date, report.check_result, report.check_note = check_date, result, note.strip()
    report.check_kind = test_kind
    report.save()
    audit_update(actor, report, before)
    if report.person is not None:
        from .orders import record_test

        record_test(
            actor,
            report.person,
            date=check_date,
            result=result,
            kind=test_kind,
            notes=_("Check of grid report %(id)s.") % {"id": report.pk},
            # The check is itself what the station found; its date is not a typing error.
            confirm_before_finding=True,
        )
    return report


@transaction.atomic
def close_relapse_report(
    actor, report: RelapseReport, *, outcome: str, note: str = ""
) -> RelapseReport:
    """Close with the outcome. A confirmed relapse of a known person is a new finding in their
    file; the positive test has already raised the proposal of a new measure."""
    report = _step(actor, report, RelapseStatus.CHECKED)
    if outcome not in RelapseOutcome.values:
        raise Refused(_("Choose confirmed or not confirmed."), field="outcome")
    if outcome == RelapseOutcome.CONFIRMED and report.person is None:
        raise Refused(
            _("Register or choose the person before confirming the relapse."), field="person"
        )
    before = snapshot(report)
    report.status = RelapseStatus.CLOSED
    report.outcome, report.outcome_note = outcome, note.strip()
    report.closed_by, report.closed_at = actor, timezone.now()
    report.save()
    audit_update(actor, report, before)
    if outcome == RelapseOutcome.CONFIRMED:
        record_finding(
            actor,
            report.person,
            date=report.check_date or report.observed_on,
            place=report.place,
            circumstances=report.observation,
            source=_("Grid report"),
            relapse_report=report,
        )
    return report
