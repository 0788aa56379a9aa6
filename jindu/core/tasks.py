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


@daily
@task()
def verify_audit_chain(run_date: str) -> int:
    """The audit trail's daily check: verify the hash chain and alert the office if it is
    broken (one alert per day). Returns the number of intact rows. It lives here, not in
    ``audit``, because the scheduler is core's and audit sits below core."""
    from django.utils.translation import gettext as _

    from jindu.audit import chain
    from jindu.audit.alerts import raise_alert
    from jindu.audit.models import AlertKind

    checked, broken = chain.verify()
    if broken is not None:
        raise_alert(
            AlertKind.AUDIT_CHAIN,
            f"audit_chain:{run_date}",
            _("The audit trail is broken at event %(id)s: %(problem)s.")
            % {"id": broken.event_id, "problem": broken.problem},
        )
    return checked


@daily
@task()
def check_backup_age(run_date: str) -> bool:
    """Warn the office when the last backup is older than BACKUP_MAX_AGE_HOURS (a day)."""
    import datetime

    from django.conf import settings
    from django.utils.translation import gettext as _

    from jindu.audit.alerts import raise_alert
    from jindu.audit.models import AlertKind

    from .backup import last_backup_at

    last = last_backup_at()
    limit = datetime.timedelta(hours=getattr(settings, "BACKUP_MAX_AGE_HOURS", 24))
    if last is not None and timezone.now() - last <= limit:
        return True
    raise_alert(
        AlertKind.BACKUP_AGE,
        f"backup_age:{run_date}",
        _("The last backup is older than a day (%(when)s).")
        % {"when": last.isoformat(timespec="minutes") if last else _("never")},
    )
    return False
