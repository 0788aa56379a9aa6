"""Reports filed in bulk (the demo's loader): the same checks, rows and audit as one by one."""

import datetime

import pytest

from jindu.audit import chain
from jindu.audit.models import AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.supervision import reporting, services
from jindu.supervision.models import Obligation, ObligationStatus, ReportStatus, WorkReport

D = datetime.date
GOOD = {"work_done": "开展禁毒宣传3场", "next_plan": "继续排查", "cases": "2"}


def _item(world, unit, on, period="2024-09", data=GOOD):
    return {
        "kind": "monthly_work_report",
        "org_unit": unit,
        "period": period,
        "data": data,
        "on": on,
    }


def test_reports_submitted_together_fulfil_their_duties_on_time_or_late(world):
    services.generate_obligations(None, D(2024, 9, 10), since=D(2024, 9, 1))
    due = Obligation.objects.get(
        kind="monthly_work_report", period="2024-09", org_unit=world.township_a
    ).due_date
    reports = reporting.submit_reports(
        None,
        [
            _item(world, world.township_a, due),
            _item(world, world.township_b, due + datetime.timedelta(days=2)),
        ],
    )
    assert [r.status for r in reports] == [ReportStatus.SUBMITTED] * 2
    assert reports[0].data["cases"] == 2  # cleaned as save_report cleans
    on_time, late = (WorkReport.objects.get(pk=r.pk) for r in reports)
    assert not on_time.submitted_late and late.submitted_late
    duties = {
        o.org_unit_id: o
        for o in Obligation.objects.filter(kind="monthly_work_report", period="2024-09")
    }
    assert duties[world.township_a.pk].status == ObligationStatus.FULFILLED
    assert duties[world.township_b.pk].status == ObligationStatus.LATE
    assert duties[world.township_b.pk].fulfilled_by_id == str(late.pk)
    created = AuditEvent.objects.filter(model="supervision.WorkReport", action="create")
    assert created.count() == 2
    assert created.get(object_id=str(late.pk)).changes["submitted_late"] == [None, True]
    assert chain.verify()[1] is None


def test_one_bad_report_refuses_them_all(world):
    services.generate_obligations(None, D(2024, 9, 10), since=D(2024, 9, 1))
    with pytest.raises(Refused) as refused:
        reporting.submit_reports(
            None,
            [
                _item(world, world.township_a, D(2024, 10, 1)),
                _item(world, world.township_b, D(2024, 10, 1), data={"cases": "1"}),
            ],
        )
    assert set(refused.value.errors) == {"work_done", "next_plan"}
    with pytest.raises(Refused):
        reporting.submit_reports(None, [_item(world, world.township_a, None, period="2024-9")])
    reporting.submit_reports(None, [_item(world, world.township_a, D(2024, 10, 1))])
    with pytest.raises(Refused):  # the unit has a report for the month already
        reporting.submit_reports(None, [_item(world, world.township_a, D(2024, 10, 1))])
    assert WorkReport.objects.count() == 1


def test_a_user_files_in_bulk_only_for_units_they_may_write(world):
    with pytest.raises(NotAllowed):
        reporting.submit_reports(
            world.users["township_a"], [_item(world, world.township_b, D(2024, 10, 1))]
        )
    assert not WorkReport.objects.exists()
