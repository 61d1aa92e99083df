"""Periodic jobs, each declared once next to its code, in its app's `tasks.py`:

    @periodic("* * * * *")
    def expire_holds() -> str:
        ...

`periodic` makes the function a Django task (`@task`, run by `manage.py db_worker`)
and puts it on django-crontask's scheduler (`@cron`): `manage.py crontask` enqueues
it on its schedule; a Redis lock lets one scheduler fire however many are started.
Around every run it takes the job's lease, so a run never overlaps the previous one
of the same job (a skipped run is logged), and records the outcome. A job function
takes no arguments and returns something JSON can hold (a short summary).

Seam: the lease and the record of each run belong to operations (its ScheduledJob
rows, read by /metrics, /readyz and the admin), which sits above every app that
declares jobs. So this core module only calls a *run recorder*, and operations
installs its own from `OperationsConfig.ready()` with `set_run_recorder(...)`.
Until one is installed (operations not loaded), jobs run unleased and unrecorded.
"""

import functools
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Protocol

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from crontask import cron
from django.apps import apps
from django.conf import settings
from django.tasks import Task, task
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

logger = logging.getLogger(__name__)

# Longer than any normal run; should a worker die mid-run, the job is skipped
# until this much time has passed since the run started.
DEFAULT_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # the task's module path, e.g. "tickets.tasks.expire_holds"
    schedule: str  # its crontab line
    trigger: BaseTrigger  # what the scheduler uses (the crontab, or a test interval)
    interval: timedelta  # the longest gap between two scheduled runs
    task: Task
    lease: timedelta


# Every job declared with @periodic, by name. Filled as the tasks modules are
# imported: jobs_load() imports them all, as `manage.py crontask` does.
REGISTRY: dict[str, PeriodicJob] = {}


class RunRecorder(Protocol):
    """Takes a job's lease and records how each run ended (operations' is the one
    in production: operations.recorder.ScheduledJobRecorder)."""

    def start(self, *, name: str, schedule: str, lease: timedelta) -> str | None:
        """Take the lease and return its token; None: a run still holds it."""

    def finish(
        self,
        *,
        name: str,
        token: str,
        started_at: datetime,
        result: str = "",
        error: str = "",
    ) -> None:
        """Record the outcome (`error` empty: success) and give the lease back."""


class _UnrecordedRuns:
    """Until operations installs its recorder: every run goes ahead, nothing kept."""

    def start(self, *, name: str, schedule: str, lease: timedelta) -> str | None:
        return "unrecorded"

    def finish(self, **outcome: object) -> None:
        return None


_recorder: RunRecorder = _UnrecordedRuns()


def set_run_recorder(recorder: RunRecorder) -> None:
    """Install the recorder every run goes through (OperationsConfig.ready())."""
    global _recorder
    _recorder = recorder


def _longest_gap(trigger: BaseTrigger, *, now: datetime) -> timedelta:
    """The longest gap between the next few fire times (a weekly job: seven days)."""
    fires = [trigger.get_next_fire_time(None, now)]
    for _ in range(8):
        fires.append(trigger.get_next_fire_time(fires[-1], fires[-1]))
    return max(later - earlier for earlier, later in pairwise(fires))


def job_run(
    *, name: str, schedule: str, lease: timedelta, func: Callable[[], object]
) -> object:
    """Run `func` under the job's lease and record the outcome; skip the run (and
    log it) while a previous run of the same job still holds the lease."""
    started_at = timezone.now()
    token = _recorder.start(name=name, schedule=schedule, lease=lease)
    if token is None:
        logger.warning(
            "Scheduled job %s skipped: its previous run is still going.", name
        )
        return "skipped: the previous run is still going"
    try:
        result = func()
    except Exception as exc:
        _recorder.finish(
            name=name,
            token=token,
            started_at=started_at,
            error=f"{type(exc).__name__}: {exc}",
        )
        raise  # the task fails too: the worker logs it with its traceback
    _recorder.finish(
        name=name,
        token=token,
        started_at=started_at,
        result="" if result is None else str(result),
    )
    return result


def periodic(
    schedule: str, *, lease: timedelta = DEFAULT_LEASE
) -> Callable[[Callable[[], object]], Task]:
    """Declare a periodic job: crontab `schedule` (days of the week by name, as
    django-crontask asks), in TIME_ZONE. Returns the Django task."""

    def decorator(func: Callable[[], object]) -> Task:
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def run() -> object:
            return job_run(name=name, schedule=schedule, lease=lease, func=func)

        seconds = settings.SCHEDULE_EVERY_SECONDS.get(name)
        if seconds:
            # Tests and drills only (SCHEDULE_EVERY_SECONDS): cron counts minutes.
            trigger = IntervalTrigger(seconds=seconds)
            scheduled = cron(trigger)(task(run))
        else:
            trigger = CronTrigger.from_crontab(
                schedule, timezone=timezone.get_default_timezone()
            )
            scheduled = cron(schedule)(task(run))
        REGISTRY[name] = PeriodicJob(
            name=name,
            schedule=schedule,
            trigger=trigger,
            interval=_longest_gap(trigger, now=timezone.now()),
            task=scheduled,
            lease=lease,
        )
        return scheduled

    return decorator


def jobs_load() -> dict[str, PeriodicJob]:
    """Every periodic job: imports each app's `tasks` module, as the scheduler does."""
    for app in apps.get_app_configs():
        # crontask's own module holds its heartbeat, which we run without.
        if app.name != "crontask" and module_has_submodule(app.module, "tasks"):
            importlib.import_module(f"{app.name}.tasks")
    return REGISTRY
