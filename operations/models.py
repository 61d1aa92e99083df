from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When something last proved it works: the task worker, the last good backup."""

    WORKER = "worker"
    BACKUP = "backup"

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    at = models.DateTimeField(_("at"))
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


class ScheduledJob(models.Model):
    """The state of one periodic job (spanglish/jobs.py): when it last started,
    succeeded and failed, and the lease that keeps two runs of it from overlapping.

    One row per job, written by the worker that runs it; the scheduler only enqueues.
    """

    name = models.CharField(_("name"), max_length=200, primary_key=True)
    schedule = models.CharField(_("schedule"), max_length=100, blank=True)
    # When the worker first knew of the job: a job that never succeeded is overdue
    # counted from here.
    created_at = models.DateTimeField(_("known since"), default=timezone.now)
    last_started_at = models.DateTimeField(_("last started at"), null=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True)
    last_succeeded_at = models.DateTimeField(_("last succeeded at"), null=True)
    last_failed_at = models.DateTimeField(_("last failed at"), null=True)
    last_duration = models.DurationField(_("last duration"), null=True)
    last_result = models.CharField(_("last result"), max_length=500, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    runs = models.PositiveIntegerField(_("successful runs"), default=0)
    failures = models.PositiveIntegerField(_("failed runs"), default=0)
    skipped = models.PositiveIntegerField(_("runs skipped (still running)"), default=0)
    # Set while a run is going: another run of the same job is skipped until the run
    # ends or, should its worker die, this time passes.
    running_until = models.DateTimeField(_("running until"), null=True)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
