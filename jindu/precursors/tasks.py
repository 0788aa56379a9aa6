import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def run_precursor_flags(run_date: str) -> int:
    """The closed loop, daily: reconcile the current and the previous month and raise the
    period flags (late filing, unmatched sales, stock gaps, unusual purchases, repeated 含麻
    buyers, missing annual reports). Idempotent, so the daily repetition costs nothing."""
    from .rules import add_months
    from .run import run_period

    day = datetime.date.fromisoformat(run_date)
    start = add_months(day.replace(day=1), -1)
    return run_period(None, start, day, as_of=day).flags_raised


@daily
@task()
def precursor_obligations(run_date: str) -> int:
    """易制毒条例第三十六条: last year's annual reports owed by 31 March, and the reminders of
    papers that expire within the rule book's months."""
    from .reminders import remind_expiring
    from .services import annual_report_obligations

    day = datetime.date.fromisoformat(run_date)
    return annual_report_obligations(None, day) + remind_expiring(day)


def _register_ledger_job():
    """The ledger import as a background job (core.jobs, issue 16 item 8): the page hands a
    large file to the job, whose page shows the progress and then the report."""
    import io

    from jindu.core.jobs import job_runner

    @job_runner("precursors.ledger", template="core/import_result.html")
    def run_ledger_import(job, progress):
        from django.urls import reverse

        from .ledger_import import import_ledger
        from .models import Enterprise

        enterprise = Enterprise.objects.get(pk=job.options["enterprise"])
        report = import_ledger(
            job.user, enterprise, io.BytesIO(bytes(job.payload)), progress=progress
        )
        return {**report.as_json(), "next_url": reverse("precursors:import")}


_register_ledger_job()
