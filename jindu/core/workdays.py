"""China's working days: the `chinesecalendar` package, which knows each year the State Council
has announced (including 调休 make-up working days)."""

import datetime

import chinese_calendar


def is_workday(day: datetime.date) -> bool | None:
    """True on a working day, False on a rest day, None when the year is not yet known."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None
