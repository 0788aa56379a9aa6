"""Scheduled jobs on top of Django's task API.

A job is an ordinary task (``@task``) that takes the run date as an ISO string, registered
here with ``@daily``. ``manage.py run_schedule`` (from a systemd timer or cron in production)
enqueues each job once per date: the ``ScheduledRun`` row's uniqueness makes a second run on
the same day a no-op, so a job never runs twice for one day.
"""

import datetime

from django.db import IntegrityError, transaction

DAILY: dict[str, object] = {}


def daily(task):
    """Register a task to run once a day; returns the task unchanged."""
    # The full dotted path: two areas may both have a job called, say, ``send_reminders``.
    DAILY[task.module_path] = task
    return task


def run_due(on: datetime.date) -> list[str]:
    """Enqueue every daily job not yet enqueued for ``on``; returns the names enqueued."""
    from .models import ScheduledRun

    enqueued = []
    for name, task in sorted(DAILY.items()):
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=name, run_date=on)
        except IntegrityError:
            continue
        try:
            result = task.enqueue(on.isoformat())
        except Exception:
            # Not enqueued: forget the guard row so the next run tries this job again.
            ScheduledRun.objects.filter(job=name, run_date=on).delete()
            raise
        ScheduledRun.objects.filter(job=name, run_date=on).update(task_id=str(result.id))
        enqueued.append(name)
    return enqueued
