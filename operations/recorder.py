"""The run recorder of the scheduler (seam: spanglish.jobs.set_run_recorder).

Installed by OperationsConfig.ready(): every periodic job, whatever app declares it,
takes its lease from and records its outcome into this app's ScheduledJob rows.
"""

from datetime import datetime, timedelta

from operations.services import job_finish, job_start


class ScheduledJobRecorder:
    """spanglish.jobs.RunRecorder over operations' ScheduledJob rows."""

    def start(self, *, name: str, schedule: str, lease: timedelta) -> str | None:
        return job_start(name=name, schedule=schedule, lease=lease)

    def finish(
        self,
        *,
        name: str,
        token: str,
        started_at: datetime,
        result: str = "",
        error: str = "",
    ) -> None:
        job_finish(
            name=name, token=token, started_at=started_at, result=result, error=error
        )
