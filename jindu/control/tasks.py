import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def find_unreported_orders(run_date: str) -> int:
    """条例第十四条: community orders not reported to within 15 days count as refusal."""
    from .services.orders import check_reports

    return len(check_reports(None, datetime.date.fromisoformat(run_date)))


@daily
@task()
def mark_overdue_leave(run_date: str) -> int:
    """条例第十九、二十条: leave not returned from after its last day becomes overdue."""
    from .services.leave import mark_overdue_leaves

    return mark_overdue_leaves(None, datetime.date.fromisoformat(run_date))


@daily
@task()
def review_three_clean_years(run_date: str) -> int:
    """条例第七条: put people who may have reached three clean years to a person to confirm."""
    from .services.followups import review_all_abstinence

    return review_all_abstinence(None, datetime.date.fromisoformat(run_date))


@daily
@task()
def find_unreported_moves(run_date: str) -> int:
    """条例第二十二条: after a move under a community order, report within the policy's days."""
    from .services.moves import check_move_reports

    return check_move_reports(None, datetime.date.fromisoformat(run_date))


def _register_roster_job():
    """The roster import as a background job (core.jobs): the page starts it, the job page
    shows its progress and then the same result as a small import."""
    import io

    from jindu.core.jobs import job_runner

    @job_runner("control.roster", template="control/roster_result.html")
    def run_roster(job, progress):
        from .roster.importer import import_roster

        report = import_roster(
            job.user,
            io.BytesIO(bytes(job.payload)),
            good_rows_only=bool(job.options.get("good_rows_only")),
            progress=progress,
        )
        return report.as_json()


_register_roster_job()
