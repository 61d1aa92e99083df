"""gunicorn settings: `gunicorn -c gunicorn.conf.py spanglish.wsgi`.

Every value can be overridden from the environment (GUNICORN_*), so containers and
systemd units share this file.
"""

import multiprocessing
import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - behind nginx
# Sync workers: Django views here are short and DB-bound. (2 x cores) + 1 is the
# classic starting point; threads let a worker overlap DB and network waits.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread" if threads > 1 else "sync"
# A request that needs more than 30 s is a bug; kill it rather than pile up.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On SIGTERM (deploy, scale-in) finish in-flight requests for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# A gthread worker accepts while it holds fewer connections than this, free thread
# or not, and a kept-alive connection stays with it: under saturation busy
# connections pile onto a few workers. GUNICORN_WORKER_CONNECTIONS equal to the
# threads (with GUNICORN_KEEPALIVE=0) gives one queue for all workers instead; it
# was measured and not made the default (bench/NOTES.md, "One queue for all
# workers: tried, not kept").
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", 1000))
# Recycle workers now and then so slow leaks never matter.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# nginx is the only client; it sets X-Forwarded-For / -Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app logs each request itself (JSON, with request id)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
preload_app = False  # each worker opens its own DB pool after fork
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108


def on_starting(server):
    # Prometheus multi-process mode: start from an empty directory each boot.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
