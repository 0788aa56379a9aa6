"""Demo supervision data: this year's obligations, and a realistic mix of reports that came in
on time, late or not at all, so the board has something to show. Loaded once."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from jindu.orgs.models import OrgUnit, UnitLevel

from . import reporting, services
from .models import Obligation, ReportStatus, WorkReport


@transaction.atomic
def load_demo_supervision(today: datetime.date | None = None) -> int:
    if WorkReport.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(2026)
    services.generate_obligations(None, today, since=datetime.date(today.year, 1, 1))
    county = OrgUnit.objects.filter(level=UnitLevel.COUNTY).order_by("pk").first()
    reporters = list(
        OrgUnit.objects.filter(
            level__in=[UnitLevel.TOWNSHIP, UnitLevel.DEPARTMENT],
            kind__in=["township", "park", "member_unit"],
        )
    )
    monthly = Obligation.objects.filter(
        kind="monthly_work_report", due_date__lt=today, org_unit__in=reporters
    ).select_related("org_unit")
    # The office accepts most reports a few days after they come in.
    from jindu.accounts.models import User

    accepted_by = User.objects.filter(role="office_admin").order_by("pk").first()
    # Drawn first, written together (reporting.submit_reports); then back-dated: most come in
    # during the last working days before the deadline, in office hours; about one in ten a
    # few days late; the office accepts most a few days after they come in.
    items, times = [], []
    now = timezone.now()
    for obligation in monthly:
        roll = rng.random()
        if roll < 0.05:  # a few never report: the board shows them overdue
            continue
        data = {
            "work_done": "开展禁毒宣传、排查吸毒人员、尿检。",
            "cases": rng.randint(0, 4),
            "persons_found": rng.randint(0, 9),
            "tests": rng.randint(10, 80),
            "publicity": rng.randint(1, 6),
            "next_plan": "继续落实社区戒毒社区康复工作。",
        }
        late = roll > 0.90
        done_on = obligation.due_date + datetime.timedelta(
            days=rng.randint(1, 5) if late else -rng.choice((0, 0, 1, 1, 2, 3, 5, 8))
        )
        at = timezone.make_aware(
            datetime.datetime.combine(
                done_on, datetime.time(rng.choice((9, 10, 11, 14, 15, 16, 17)), rng.randint(0, 59))
            )
        )
        # A late report due in the last days has come in by now, not in the future.
        at = min(at, now - datetime.timedelta(hours=1))
        reviewed = at + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 3))
        accept = reviewed.date() < today and rng.random() < 0.85
        created = at - datetime.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 5))
        items.append(
            {
                "kind": "monthly_work_report",
                "org_unit": obligation.org_unit,
                "period": obligation.period,
                "data": data,
                "on": timezone.localdate(at),
            }
        )
        times.append((at, created, reviewed if accept else None))
    reports = reporting.submit_reports(None, items)
    for report, (at, created, reviewed) in zip(reports, times, strict=True):
        report.submitted_at, report.created_at = at, created
        if reviewed is not None:
            report.status, report.locked = ReportStatus.ACCEPTED, True
            report.reviewed_at, report.reviewed_by = reviewed, accepted_by
    WorkReport.objects.bulk_update(
        reports,
        ["submitted_at", "created_at", "status", "locked", "reviewed_at", "reviewed_by"],
        batch_size=1000,
    )
    fulfilled = {
        str(report.pk): at for report, (at, _created, _reviewed) in zip(reports, times, strict=True)
    }
    obligations = list(
        Obligation.objects.filter(
            fulfilled_by_model=WorkReport._meta.label, fulfilled_by_id__in=list(fulfilled)
        )
    )
    for obligation in obligations:
        obligation.fulfilled_at = fulfilled[obligation.fulfilled_by_id]
    Obligation.objects.bulk_update(obligations, ["fulfilled_at"], batch_size=1000)
    for quarter_end in (
        datetime.date(today.year, 3, 20),
        datetime.date(today.year, 6, 18),
        datetime.date(today.year, 9, 24),
    ):
        if quarter_end < today:
            reporting.record_meeting(
                None,
                date=quarter_end,
                org_unit=county,
                title=f"{quarter_end.year}年第{(quarter_end.month - 1) // 3 + 1}季度禁毒委例会",
                minutes="听取成员单位工作汇报，分析研判禁毒形势，部署下一阶段工作。",
                attendees=list(OrgUnit.objects.member_units()[:10]),
            )
    townships = [u for u in reporters if u.level == UnitLevel.TOWNSHIP]
    reporting.record_letters(
        None,
        year=today.year,
        letters=[
            (county, unit, datetime.date(today.year, 3, rng.randint(1, 28)))
            for unit in townships[:-3]
        ],
    )
    services.mark_overdue(today)
    return WorkReport.objects.count()
