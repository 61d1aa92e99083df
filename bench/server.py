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


def manage(*args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env.ENV},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare() -> None:
    """Create the benchmark database, migrate it and collect static files."""
    env.ensure_database()
    manage("migrate", "--no-input")
    manage("collectstatic", "--no-input", "--clear")


@contextmanager
def running_server(*, workers: int = 2, threads: int = 1, port: int = env.BENCH_PORT):
    """Start gunicorn, wait until /healthz answers, yield the base URL, stop it."""
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "spanglish.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, **env.ENV},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
