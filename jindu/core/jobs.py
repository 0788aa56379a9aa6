"""Long work started from a page runs as a background task with a progress record.

A page calls ``start(user, kind, upload, options)``: the upload is stored on a
``BackgroundJob`` row and the task ``run_background_job`` is enqueued (django-tasks; see
docs/architecture.md "Background work"). The area that owns the work registers its runner:

    @job_runner("control.roster")
    def run(job, progress):        # progress(done, total) as it goes
        ...
        return {...}               # the result, stored as JSON for the result page

The result page (``core:job``) shows a progress bar and polls itself with HTMX until the job
has finished, then shows what the runner returned through the area's template.

Progress is written on its own database connection (the ``progress`` alias, on PostgreSQL)
so that the poller sees it while the work's own transaction is still open. On SQLite, where
``make run`` runs tasks in-process, the page shows the finished job at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.utils import timezone
from django_tasks import task

from .models import BackgroundJob, JobStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runner:
    kind: str
    run: Callable
    # template that renders ``result`` on the job page
    template: str
    # who may see the job besides its owner: nobody (a job is its user's)


_runners: dict[str, Runner] = {}


def job_runner(kind: str, *, template: str):
    def wrap(fn):
        _runners[kind] = Runner(kind, fn, template)
        return fn

    return wrap


def runner(kind: str) -> Runner | None:
    return _runners.get(kind)


def _alias() -> str:
    return "progress" if "progress" in connections.databases else "default"


def start(user, kind: str, upload, options: dict | None = None) -> BackgroundJob:
    """Store the upload and enqueue the job; returns the job (its page polls it)."""

    if kind not in _runners:
        raise ValueError(f"no runner for {kind!r}")
    upload.seek(0)
    job = BackgroundJob.objects.create(
        kind=kind,
        user=user,
        payload=upload.read(),
        filename=getattr(upload, "name", "")[:200],
        options=options or {},
    )
    run_background_job.enqueue(job.pk)
    return job


def progress(job_id: int, done: int, total: int | None = None) -> None:
    values = {"done": done}
    if total is not None:
        values["total"] = total
    BackgroundJob.objects.using(_alias()).filter(pk=job_id).update(**values)


def run(job_id: int) -> None:
    job = BackgroundJob.objects.get(pk=job_id)
    found = runner(job.kind)
    if found is None or job.finished:
        return
    BackgroundJob.objects.using(_alias()).filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    try:
        result = found.run(job, lambda done, total=None: progress(job.pk, done, total))
    except Exception as exc:  # the page says it failed; the log has the details
        log.exception("background job %s failed", job.pk)
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now(), payload=b""
        )
        return
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, result=result, finished_at=timezone.now(), payload=b""
    )


@task()
def run_background_job(job_id: int) -> None:
    """A job started from a page: run its area's runner."""
    run(job_id)
