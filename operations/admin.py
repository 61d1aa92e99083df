from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from operations.models import ScheduledJob
from operations.selectors import job_overdue
from spanglish.admin import ReadOnlyAdmin
from spanglish.jobs import jobs_load


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdmin):
    """The last run of each periodic job, as its worker recorded it."""

    list_display = [
        "name",
        "schedule",
        "on_time",
        "last_succeeded_at",
        "last_started_at",
        "last_duration",
        "runs",
        "failures",
        "skipped",
        "short_error",
    ]
    search_fields = ["name"]

    @admin.display(boolean=True, description=_("on time"))
    def on_time(self, obj: ScheduledJob) -> bool | None:
        job = jobs_load().get(obj.name)
        if job is None:
            return None  # no longer declared in code
        return not job_overdue(interval=job.interval, state=obj, now=timezone.now())

    @admin.display(description=_("last error"))
    def short_error(self, obj: ScheduledJob) -> str:
        return obj.last_error[:120]
