import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def refresh_indicators(run_date: str) -> int:
    """The cockpit's precomputed figures of the townships whose records changed since the
    last refresh (and of the units above them), for this month and the last. Also run every
    few minutes by ``manage.py refresh_indicators`` (cron / systemd timer)."""
    from .services import refresh_changed

    return refresh_changed(None, datetime.date.fromisoformat(run_date)).rows


@daily
@task()
def monthly_warnings(run_date: str) -> int:
    """办法第四条: on the first day of each month, the warning levels of the month that ended
    (the schedule is daily; the job acts on the 1st only)."""
    from . import rules
    from .services import compute_warnings, generate_briefing_obligations

    day = datetime.date.fromisoformat(run_date)
    if day.day != 1:
        return 0
    previous = day - datetime.timedelta(days=1)
    generate_briefing_obligations(None, day.year)
    return len(compute_warnings(None, rules.month_of(previous)))
