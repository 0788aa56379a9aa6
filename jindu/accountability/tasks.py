import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def propose_for_missed_deadlines(run_date: str) -> int:
    """Art. 31: listings whose period ended without lifting or lowering get their proposals."""
    from .services import check_deadlines

    return len(check_deadlines(None, datetime.date.fromisoformat(run_date)))
