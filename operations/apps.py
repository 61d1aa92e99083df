from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        # Seam 1: every periodic job (spanglish.jobs) records its runs here.
        from operations.recorder import ScheduledJobRecorder
        from spanglish.jobs import set_run_recorder

        set_run_recorder(ScheduledJobRecorder())
