"""The demo county's cockpit: the precomputed figures of the recent months, the warning
levels of the last two months that ended (with every contribution and what they raised), the
briefing schedule as the office's obligations and one issued briefing of each kind — so a
leader opening the demo sees them at once. Written through the services (with their audit
rows, the figures as one bulk upsert per call); loaded once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from jindu.orgs.models import OrgUnit, UnitLevel

from . import rules, selectors, services
from .models import Briefing, WarningRecord
from .policy import indicator_policy


def _previous_period(every: str, today: datetime.date) -> str:
    """The last period of this kind that has ended by ``today``."""
    for year in (today.year, today.year - 1):
        ended = [
            p for p in rules.briefing_periods(every, year) if rules.period_bounds(p)[1] < today
        ]
        if ended:
            return ended[-1]
    return rules.briefing_periods(every, today.year - 1)[-1]


@transaction.atomic
def load_demo_indicators(today: datetime.date | None = None) -> int:
    """Returns the number of warning levels computed (0 when the demo is already there)."""
    if WarningRecord.objects.exists() or Briefing.objects.exists():
        return 0
    county = services._county()
    if county is None:
        return 0
    today = today or timezone.localdate()
    this_month = rules.month_of(today)
    ended = rules.months_back(this_month, 3)[:-1]  # the two months that ended
    # The cockpit opens on this year to date; the warnings weigh each month's year to date.
    services.refresh_aggregates(None, [f"{m}:ytd" for m in [*ended, this_month]])
    # The trend's recent months (the rebuild command fills 36 months of every target).
    services.refresh_aggregates(None, [*ended, this_month], codes={selectors.DEFAULT_TREND})
    computed = 0
    for month in ended:
        computed += len(services.compute_warnings(None, month))
    services.generate_briefing_obligations(None, today.year)
    policy = indicator_policy()
    listed = services.listed_townships(today)
    for spec in policy.briefings:
        period = _previous_period(spec.every, today)
        if spec.scope == "county":
            unit = county
        else:
            # 第二十七条: the township's drug situation; a listed one if any is listed.
            unit = (
                listed[0]
                if listed
                else OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, is_active=True)
                .order_by("code")
                .first()
            )
            if unit is None:
                continue
        services.issue_briefing(None, kind=spec.kind, period=period, org_unit=unit, issued_on=today)
    return computed
