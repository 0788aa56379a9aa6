"""Daily jobs: each is enqueued once per date, however often the scheduler runs."""

import datetime
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.signals import task_enqueued

from jindu.core import schedule
from jindu.core.models import ScheduledRun
from jindu.core.tasks import clear_expired_sessions

DAY = datetime.date(2026, 1, 5)
CORE_JOBS = {"jindu.core.tasks.clear_expired_sessions", "jindu.core.tasks.prune_login_logs"}


@pytest.fixture
def enqueued():
    """Names of the tasks enqueued during the test, in order; nothing actually runs."""
    names: list[str] = []

    def _record(sender, task_result, **kwargs):
        names.append(task_result.task.module_path)

    task_enqueued.connect(_record)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        yield names
    task_enqueued.disconnect(_record)


def test_every_area_registers_its_daily_jobs():
    assert CORE_JOBS <= set(schedule.DAILY)
    assert "jindu.accountability.tasks.propose_for_missed_deadlines" in schedule.DAILY


@pytest.mark.django_db
def test_run_due_enqueues_each_registered_job_once(enqueued):
    names = schedule.run_due(DAY)
    assert sorted(names) == sorted(schedule.DAILY)
    assert sorted(enqueued) == sorted(schedule.DAILY)  # each once, no more
    runs = ScheduledRun.objects.filter(run_date=DAY)
    assert sorted(runs.values_list("job", flat=True)) == sorted(schedule.DAILY)
    assert all(run.task_id for run in runs)


@pytest.mark.django_db
def test_run_due_passes_the_date_to_each_job(enqueued):
    from django_tasks import default_task_backend

    schedule.run_due(DAY)
    assert {tuple(r.args) for r in default_task_backend.results} == {("2026-01-05",)}


@pytest.mark.django_db
def test_running_again_for_the_same_date_enqueues_nothing(enqueued):
    schedule.run_due(DAY)
    count = len(enqueued)
    assert schedule.run_due(DAY) == []
    assert len(enqueued) == count
    assert ScheduledRun.objects.filter(run_date=DAY).count() == len(schedule.DAILY)


@pytest.mark.django_db
def test_a_different_date_enqueues_again(enqueued):
    schedule.run_due(DAY)
    next_day = DAY + datetime.timedelta(days=1)
    assert sorted(schedule.run_due(next_day)) == sorted(schedule.DAILY)
    assert len(enqueued) == 2 * len(schedule.DAILY)
    assert ScheduledRun.objects.filter(run_date=next_day).count() == len(schedule.DAILY)


@pytest.mark.django_db
def test_a_job_whose_enqueueing_fails_is_tried_again_on_the_next_run(enqueued, monkeypatch):
    class BrokenTask:
        name = "broken_job"

        def enqueue(self, *args):
            raise ConnectionError("queue unavailable")

    monkeypatch.setitem(schedule.DAILY, "broken_job", BrokenTask())
    with pytest.raises(ConnectionError):
        schedule.run_due(DAY)
    assert not ScheduledRun.objects.filter(job="broken_job", run_date=DAY).exists()

    monkeypatch.setitem(
        schedule.DAILY, "broken_job", schedule.DAILY["jindu.core.tasks.clear_expired_sessions"]
    )
    assert "broken_job" in schedule.run_due(DAY)


@pytest.mark.django_db
def test_the_command_prints_the_jobs_then_says_they_already_ran(enqueued):
    out = StringIO()
    call_command("run_schedule", "--date", "2026-01-05", stdout=out)
    first = out.getvalue()
    assert f"2026-01-05: enqueued {len(schedule.DAILY)} job(s)" in first
    for name in schedule.DAILY:
        assert name in first

    out = StringIO()
    call_command("run_schedule", "--date", "2026-01-05", stdout=out)
    second = out.getvalue()
    assert "enqueued 0 job(s)" in second
    assert "all already ran" in second
    assert len(enqueued) == len(schedule.DAILY)


def test_the_command_lists_the_registered_jobs():
    out = StringIO()
    call_command("run_schedule", "--list", stdout=out)
    assert out.getvalue().split() == sorted(schedule.DAILY)


def test_the_command_refuses_a_malformed_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("run_schedule", "--date", "05/01/2026", stdout=StringIO())


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired_sessions():
    expired = SessionStore()
    expired["x"] = 1
    expired.set_expiry(-60)
    expired.create()
    live = SessionStore()
    live["x"] = 2
    live.create()
    assert Session.objects.count() == 2
    assert Session.objects.get(session_key=expired.session_key).expire_date < timezone.now()

    deleted = clear_expired_sessions.call("2026-01-05")

    assert deleted == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


@pytest.mark.django_db
def test_the_scheduled_cleanup_really_runs_with_the_default_backend():
    """With the in-process backend the job runs as it is enqueued."""
    expired = SessionStore()
    expired.set_expiry(-60)
    expired.create()
    schedule.run_due(DAY)
    assert not Session.objects.filter(session_key=expired.session_key).exists()
