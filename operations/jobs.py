"""Periodic jobs, each declared once next to its code, in its app's `tasks.py`:

    @periodic("* * * * *")
    def expire_holds() -> str:
        ...

`periodic` makes the function a Django task (`@task`, run by `manage.py db_worker`)
and puts it on django-crontask's scheduler (`@cron`): `manage.py crontask` enqueues
it on its schedule; a Redis lock lets one scheduler fire however many are started.
Around every run it takes the job's lease, so a run never overlaps the previous one
of the same job (a skipped run is logged), and records the outcome in ScheduledJob,
which /metrics, /readyz and the admin read. A job function takes no arguments and
returns something JSON can hold (a short summary).
"""

import functools
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from crontask import cron
from django.apps import apps
from django.conf import settings
from django.tasks import Task, task
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from operations.services import job_finish, job_start

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
    token = job_start(name=name, schedule=schedule, lease=lease)
    if token is None:
        logger.warning(
            "Scheduled job %s skipped: its previous run is still going.", name
        )
        return "skipped: the previous run is still going"
    try:
        result = func()
    except Exception as exc:
        job_finish(
            name=name,
            token=token,
            started_at=started_at,
            error=f"{type(exc).__name__}: {exc}",
        )
        raise  # the task fails too: the worker logs it with its traceback
    job_finish(
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
