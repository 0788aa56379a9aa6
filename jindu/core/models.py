from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """That a daily job was enqueued for a date: the guard against running it twice."""

    job = models.CharField(_("job"), max_length=200)
    run_date = models.DateField(_("date"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["job", "run_date"], name="one_run_per_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date}"
