"""Serve the app with gunicorn on PostgreSQL with production settings."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench import env

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, environ: dict | None = None) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env.ENV, **(environ or {})},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare() -> None:
    """Create the benchmark database, migrate it and collect static files."""
    env.ensure_database()
    manage("migrate", "--no-input")
    manage("collectstatic", "--no-input", "--clear")


LOG = ROOT / "var" / "bench" / "gunicorn.log"


@contextmanager
def running_server(
    *,
    workers: int | None = None,
    threads: int | None = None,
    port: int = env.BENCH_PORT,
    environ: dict | None = None,
):
    """Start gunicorn with the project's gunicorn.conf.py (the production settings:
    (2 × cores) + 1 workers, 2 threads each), wait until /healthz answers, yield the
    base URL, stop it. BENCH_WORKERS / BENCH_THREADS (or the arguments) override.

    Worker recycling (max_requests) is off: at benchmark rates it would restart a
    worker every few seconds, which real traffic never does. The server's output (one
    access-log line per request, as in production) goes to var/bench/gunicorn.log.
    `environ` overrides the benchmark environment (the fault drill's own database and
    Redis)."""
    base = f"http://127.0.0.1:{port}"
    LOG.parent.mkdir(parents=True, exist_ok=True)
    log = LOG.open("ab")
    overrides = {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOGLEVEL": "warning",
        "GUNICORN_TIMEOUT": "60",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    workers = workers or os.environ.get("BENCH_WORKERS")
    threads = threads or os.environ.get("BENCH_THREADS")
    if workers:
        overrides["GUNICORN_WORKERS"] = str(workers)
    if threads:
        overrides["GUNICORN_THREADS"] = str(threads)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "spanglish.wsgi"],
        cwd=ROOT,
        env={**os.environ, **env.ENV, **overrides, **(environ or {})},
        stdout=log,
        stderr=log,
    )
    try:
        # Generous: on a box shared with other work, five workers importing Django
        # can take far longer than the few seconds they take alone.
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {LOG}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
