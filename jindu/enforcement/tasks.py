import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def generate_venue_inspections(run_date: str) -> int:
    """The inspections each venue's grade requires this period, as obligations (方案四（一）四是;
    frequencies from the county rule book)."""
    from .services import generate_venue_obligations

    return generate_venue_obligations(None, datetime.date.fromisoformat(run_date))
