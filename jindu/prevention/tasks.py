import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def generate_key_date_obligations(run_date: str) -> int:
    """方案四（三）二是: the year's key dates become the named units' obligations."""
    from .services import generate_key_date_obligations as generate

    return generate(None, datetime.date.fromisoformat(run_date).year)


def _register_qingjiao_job():
    """The 青骄第二课堂 import as a background job (core.jobs, issue 16 item 8): the page hands
    a large file to the job, whose page shows the progress and then the result."""
    import io

    from jindu.core.jobs import job_runner

    @job_runner("prevention.qingjiao", template="core/import_result.html")
    def run_qingjiao_import(job, progress):
        from django.urls import reverse

        from jindu.core.errors import Refused

        from .services import import_qingjiao

        try:
            count = import_qingjiao(
                job.user,
                io.BytesIO(bytes(job.payload)),
                job.options["school_year"],
                progress=progress,
            )
        except Refused as refusal:
            return {
                "ok": False,
                "error_count": 1,
                "errors": [{"row": 0, "message": str(refusal.message)}],
            }
        return {"ok": True, "imported": count, "next_url": reverse("prevention:school_list")}


_register_qingjiao_job()
