"""Time limits as the law counts them, and working days. Pure functions.

《民法典》第二百零一条: a period in years or months starts counting the day after the event.
第二百零二条: it ends on the corresponding day of the last month; without such a day, on the
last day of that month. Listed on 2018-06-01 for a year → last day 2019-06-01; listed on
2020-02-29 for a year → 2021-02-28.
"""

import calendar
import datetime
from collections.abc import Callable

CIVIL_CODE_BASIS = ("《民法典》第二百零一条", "《民法典》第二百零二条")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding day ``months`` later, or the month's last day when there is none."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def period_end(event: datetime.date, months: int) -> datetime.date:
    """The last day of a period of ``months`` months that starts counting after ``event``."""
    return add_months(event, months)


# A calendar answers whether a day is a working day, or None when it does not know the year
# (the State Council announces each year's holidays in the autumn before).
WorkdayCalendar = Callable[[datetime.date], bool | None]


def next_working_day(
    day: datetime.date, is_workday: WorkdayCalendar, *, limit: int = 30
) -> tuple[datetime.date, bool]:
    """The first working day on or after ``day``, and whether the calendar knew every day it
    had to look at. When it did not, ``day`` itself is returned with ``False``: the caller
    must say so rather than guess."""
    current = day
    for _ in range(limit):
        answer = is_workday(current)
        if answer is None:
            return day, False
        if answer:
            return current, True
        current += datetime.timedelta(days=1)
    return day, False


def days_between(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days
