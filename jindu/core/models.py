from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Recorded(models.Model):
    """Who recorded a row and when: the block every area's records share. The user may be
    removed later (the row stays, ``recorded_by`` becomes empty); the audit trail keeps who it
    was."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


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


def attachment_path(instance, filename: str) -> str:
    import uuid

    from django.utils import timezone

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:10]}"


class Attachment(models.Model):
    """A file belonging to one record (``model`` + ``object_id``); the original name is kept
    for display, the stored name is random so it cannot be guessed."""

    model = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    role = models.CharField(_("purpose"), max_length=40, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class HolidayArrangement(models.Model):
    """One day of a year's official holiday arrangement (国务院办公厅关于部分节假日安排的通知),
    entered by the office for a year the calendar package does not know yet."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"), help_text=_("On for a make-up working day (调休上班), off for a holiday.")
    )
    name = models.CharField(_("holiday"), max_length=40, blank=True)
    notice = models.CharField(_("notice"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday arrangement")
        verbose_name_plural = _("holiday arrangements")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    """A long piece of work started from a page (e.g. a large import): what, for whom, how
    far it has got and what came out. The page polls it (HTMX) while the task runs."""

    kind = models.CharField(_("kind"), max_length=60)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    # The uploaded file, kept until the job has run (then emptied).
    payload = models.BinaryField(blank=True, default=b"")
    filename = models.CharField(_("file"), max_length=200, blank=True)
    options = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class RateCounter(models.Model):
    """A fixed-window request counter shared by every worker (the API's rate limits,
    ``jindu.api.throttling``): one upsert per request (``core.counters.hit``). On PostgreSQL
    the table is UNLOGGED (migration 0005): counters need not survive a crash, and a commit
    that wrote only them does not wait for the disk."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key} {self.count}"
