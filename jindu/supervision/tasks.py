import datetime

from django_tasks import task

from jindu.core.schedule import daily


@daily
@task()
def generate_and_remind(run_date: str) -> dict:
    """The daily 督办 run: new periods' obligations, overdue marks, reminders, escalation."""
    from . import reminders, services

    day = datetime.date.fromisoformat(run_date)
    since = (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    created = services.generate_obligations(None, day, since=since)
    overdue = services.mark_overdue(day)
    sent = reminders.send_reminders(day)
    return {"created": created, "overdue": overdue, "sent": sent}
