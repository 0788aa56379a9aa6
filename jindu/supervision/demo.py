"""Demo supervision data: this year's obligations, and a realistic mix of reports that came in
on time, late or not at all, so the board has something to show. Loaded once."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from jindu.orgs.models import OrgUnit, UnitLevel

from . import reporting, services
from .models import Obligation, ObligationStatus, WorkReport


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
    for obligation in monthly:
        if rng.random() < 0.12:  # some never report: the board shows them overdue
            continue
        report = reporting.save_report(
            None,
            kind="monthly_work_report",
            org_unit=obligation.org_unit,
            period=obligation.period,
            data={
                "work_done": "开展禁毒宣传、排查吸毒人员、尿检。",
                "cases": rng.randint(0, 4),
                "persons_found": rng.randint(0, 9),
                "tests": rng.randint(10, 80),
                "publicity": rng.randint(1, 6),
                "next_plan": "继续落实社区戒毒社区康复工作。",
            },
        )
        reporting.submit_report(None, report)
        # Back-date the fulfilment to a plausible day, on time or a few days late.
        late = rng.random() < 0.15
        done_on = obligation.due_date + datetime.timedelta(
            days=rng.randint(1, 6) if late else -rng.randint(0, 4)
        )
        Obligation.objects.filter(pk=obligation.pk).update(
            status=ObligationStatus.LATE if late else ObligationStatus.FULFILLED,
            fulfilled_at=timezone.make_aware(datetime.datetime.combine(done_on, datetime.time(10))),
        )
        WorkReport.objects.filter(pk=report.pk).update(submitted_late=late)
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
    for unit in townships[:-3]:
        reporting.record_letter(
            None,
            year=today.year,
            upper_unit=county,
            lower_unit=unit,
            signed_on=datetime.date(today.year, 3, rng.randint(1, 28)),
        )
    services.mark_overdue(today)
    return WorkReport.objects.count()
