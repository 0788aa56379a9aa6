import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def find_unreported_orders(run_date: str) -> int:
    """条例第十四条: community orders not reported to within 15 days count as refusal."""
    from .orders import check_reports

    return len(check_reports(None, datetime.date.fromisoformat(run_date)))


@daily
@task()
def mark_overdue_leave(run_date: str) -> int:
    """条例第十九、二十条: leave not returned from after its last day becomes overdue."""
    from .leave import mark_overdue_leaves

    return mark_overdue_leaves(None, datetime.date.fromisoformat(run_date))
