"""China's working days.

The `chinesecalendar` package knows each year the State Council has announced (with 调休
make-up working days). For a year it does not know, the office enters the year's official
arrangement (``HolidayArrangement``); a year neither knows is reported as unknown (None),
never guessed.
"""

import datetime
from collections.abc import Callable

import chinese_calendar


def package_is_workday(day: datetime.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_workday(day: datetime.date) -> bool | None:
    """One day's answer (office data first, then the package). For many days use calendar()."""
    return calendar()(day)


def calendar() -> Callable[[datetime.date], bool | None]:
    """A working-day function that reads the office's arrangements once, for use over many
    days (generators, reminders)."""
    from .models import HolidayArrangement

    overrides = dict(HolidayArrangement.objects.values_list("date", "is_workday"))
    office_years = {day.year for day in overrides}

    def answer(day: datetime.date) -> bool | None:
        if day in overrides:
            return overrides[day]
        if day.year in office_years:
            return day.weekday() < 5
        return package_is_workday(day)

    return answer


def known_years(years) -> dict[int, bool]:
    """Whether each year's working days are known (by the package or the office's data)."""
    from .models import HolidayArrangement

    office_years = {d.year for d in HolidayArrangement.objects.dates("date", "year")}
    return {
        year: year in office_years or package_is_workday(datetime.date(year, 6, 1)) is not None
        for year in years
    }
