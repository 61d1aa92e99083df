from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from operations.models import ScheduledJob
from operations.selectors import job_overdue
from spanglish.admin import ReadOnlyAdmin, TechnicalDetailsMixin, json_block
from spanglish.jobs import jobs_load


@admin.register(ScheduledJob)
class ScheduledJobAdmin(TechnicalDetailsMixin, ReadOnlyAdmin):
    """The last run of each periodic job, as its worker recorded it."""

    fields = [
        "name",
        "schedule",
        "on_time",
        "last_succeeded_at",
        "last_started_at",
        "last_finished_at",
        "last_failed_at",
        "last_duration",
        "runs",
        "failures",
        "skipped",
        "last_error",
    ]
    technical_fields = ["last_result", "running_until", "created_at"]
    readonly_fields = [*fields, *technical_fields]

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


class TaskResultAdmin(TechnicalDetailsMixin, DBTaskResultAdmin):
    """django-tasks-db's admin, with the labels it leaves unmarked translated and
    the task's internals under technical details."""

    technical_fields = [
        "task_path",
        "args_kwargs_display",
        "return_value_display",
        "worker_ids",
        "backend_name",
        "exception_class_path",
        "formatted_traceback",
    ]

    list_display = [
        "id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    ]

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, obj):
        return obj.task_name

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        shown = {
            "args_kwargs": "args_kwargs_display",
            "return_value": "return_value_display",
        }
        return [shown.get(f, f) for f in fields] + list(self.technical_fields)

    @admin.display(description=_("args kwargs"))
    def args_kwargs_display(self, obj):
        return json_block(obj.args_kwargs)

    @admin.display(description=_("return value"))
    def return_value_display(self, obj):
        return json_block(obj.return_value)

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
    admin.site.register(DBTaskResult, TaskResultAdmin)
