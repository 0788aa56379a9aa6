"""When recurring duties fall due (Plan 四(四), 五(一)(二)): pure functions over plain data.

Each rule of the policy file (when, who, what, basis article) yields periods and due dates;
report deadlines on a non-working day move to the next working day, and a day the calendar
does not know is flagged, never guessed.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jindu.policy.periods import next_working_day
from jindu.policy.schema import RecurringObligation

Workdays = Callable[[datetime.date], bool | None]


@dataclass(frozen=True)
class Due:
    period: str
    due_date: datetime.date
    known: bool = True


@dataclass(frozen=True)
class CampaignDates:
    code: str
    start: datetime.date
    phase_ends: dict  # phase code → last day


def _month_starts(since: datetime.date, until: datetime.date) -> Iterable[datetime.date]:
    day = since.replace(day=1)
    while day <= until:
        yield day
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _quarter_end(day: datetime.date) -> datetime.date:
    month = ((day.month - 1) // 3 + 1) * 3
    return datetime.date(day.year, month, calendar_module.monthrange(day.year, month)[1])


def due_dates(
    rule: RecurringObligation,
    *,
    since: datetime.date,
    until: datetime.date,
    workdays: Workdays,
    campaigns: Iterable[CampaignDates] = (),
) -> list[Due]:
    """Every period of ``rule`` that has begun between ``since`` and ``until`` (inclusive),
    with its due date. A period begins on its first day (a month, quarter or year), or when its
    campaign starts."""
    start = max(since, rule.active_from) if rule.active_from else since
    end = min(until, rule.active_until) if rule.active_until else until
    raw: list[tuple[str, datetime.date]] = []
    if rule.frequency == "monthly":
        for month in _month_starts(start, end):
            following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            raw.append((f"{month:%Y-%m}", following.replace(day=rule.due_day)))
    elif rule.frequency == "quarterly":
        for month in _month_starts(start, end):
            if month.month in (1, 4, 7, 10) or month == start.replace(day=1):
                quarter = (month.month - 1) // 3 + 1
                period = f"{month.year}-Q{quarter}"
                if not raw or raw[-1][0] != period:
                    raw.append((period, _quarter_end(month)))
    elif rule.frequency == "yearly":
        month, day = map(int, rule.due.split("-"))
        for year in range(start.year, end.year + 1):
            raw.append((str(year), datetime.date(year, month, day)))
    else:  # campaign
        for campaign in campaigns:
            if start <= campaign.start <= end and rule.due_phase in campaign.phase_ends:
                raw.append((campaign.code, campaign.phase_ends[rule.due_phase]))
    result = []
    for period, day in raw:
        known = True
        if rule.shift_to_working_day:
            day, known = next_working_day(day, workdays)
        result.append(Due(period, day, known))
    return result


def working_days_between(start: datetime.date, end: datetime.date, workdays: Workdays) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is
    earlier). A day the calendar does not know counts by the weekday."""
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        answer = workdays(day)
        if answer is None:
            answer = day.weekday() < 5
        count += bool(answer)
        day += datetime.timedelta(days=1)
    return sign * count


@dataclass(frozen=True)
class Reminder:
    stage: str  # "before" | "due" | "overdue" | "escalate"


def reminders_for(
    due_date: datetime.date,
    today: datetime.date,
    *,
    days_before: int,
    escalate_after: int,
    workdays: Workdays,
) -> list[Reminder]:
    """Which reminders an open obligation calls for today. Each stage is sent once; the
    caller keys them by obligation and stage so a second run sends nothing again."""
    if due_date > today:
        if working_days_between(today, due_date, workdays) == days_before:
            return [Reminder("before")]
        return []
    if due_date == today:
        return [Reminder("due")]
    stages = [Reminder("overdue")]
    if working_days_between(due_date, today, workdays) >= escalate_after:
        stages.append(Reminder("escalate"))
    return stages


def parse_holiday_lines(
    text: str, year: int
) -> tuple[list[tuple[datetime.date, bool, str]], list[str]]:
    """Lines like ``2027-10-01 休 国庆节`` or ``2027-09-26 班 国庆节调休``: (days, errors)."""
    days, errors = [], []
    seen = set()
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            day = datetime.date.fromisoformat(parts[0])
        except ValueError:
            errors.append(f"{number}: {parts[0]}")
            continue
        kind = parts[1] if len(parts) > 1 else ""
        if day.year != year or kind not in ("休", "班") or day in seen:
            errors.append(f"{number}: {line.strip()}")
            continue
        seen.add(day)
        days.append((day, kind == "班", " ".join(parts[2:])[:40]))
    return days, errors


# ---------------------------------------------------------------- report periods (方案五（二）)

MONTHLY, ANNUAL, ACTION_PLAN = "monthly_work_report", "annual_summary", "action_plan"


def report_period_problem(
    kind: str, period: str, today: datetime.date, campaign_codes: Iterable[str] = ()
) -> str | None:
    """Why ``period`` is not a period a report of ``kind`` can be for on ``today`` (None if it
    is): a monthly report is for a real month YYYY-MM, a summary for a year YYYY, neither in
    the future; an action plan is for a campaign of the Plan."""
    from django.utils.translation import gettext as _

    period = (period or "").strip()
    if kind == MONTHLY:
        parts = period.split("-")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            return _("Give the month as YYYY-MM, e.g. 2026-03.")
        year, month = int(parts[0]), int(parts[1])
        if len(parts[1]) != 2 or not 1 <= month <= 12 or year < 2000:
            return _("%(period)s is not a month.") % {"period": period}
        if (year, month) > (today.year, today.month):
            return _("%(period)s has not begun yet; a report is for a month under way or past.") % {
                "period": period
            }
        return None
    if kind == ANNUAL:
        if not (len(period) == 4 and period.isdigit()) or int(period) < 2000:
            return _("Give the year as YYYY, e.g. 2025.")
        if int(period) > today.year:
            return _("%(period)s has not begun yet.") % {"period": period}
        return None
    if kind == ACTION_PLAN:
        codes = list(campaign_codes)
        if period not in codes:
            return _("Choose the campaign the action plan is for: %(codes)s.") % {
                "codes": "、".join(codes) or "—"
            }
        return None
    return _("Unknown kind of report.")
