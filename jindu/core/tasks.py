"""Platform housekeeping jobs; each area adds its own in its tasks.py."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from .schedule import daily


@daily
@task()
def clear_expired_sessions(run_date: str) -> int:
    """Idle sessions expire on their own; this removes their rows."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@daily
@task()
def prune_login_logs(run_date: str) -> int:
    """Keep 180 days of login access logs (the audit trail keeps its own record for good)."""
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.reset_logs(age_days=180)
