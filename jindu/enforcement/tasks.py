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


@daily
@task()
def refresh_results_rollup(run_date: str) -> int:
    """The results statistics' closed months recounted where a write made them stale (the
    reads would do it too; this spares the first read of the day)."""
    from .rollup import refresh

    return refresh(datetime.date.fromisoformat(run_date))
