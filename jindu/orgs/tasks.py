"""The organisation import as a background job (core.jobs, issue 16 item 8): the page hands
a large file to the job, whose page shows the progress and then the report."""

import io

from jindu.core.jobs import job_runner


@job_runner("orgs.units", template="core/import_result.html")
def run_unit_import(job, progress):
    from django.urls import reverse

    from .importer import import_units

    report = import_units(job.user, io.BytesIO(bytes(job.payload)), progress=progress)
    return {**report.as_json(), "next_url": reverse("orgs:unit_list")}
