"""A two-host cluster on loopback, for real: nginx (Debian's package, a non-daemon
child with a generated config) in front of TWO gunicorn instances on their own ports,
sharing one PostgreSQL database and one Redis, plus two task workers
(`manage.py db_worker`) and the scheduler (`manage.py crontask`), all with
production settings (DEBUG off).

Used by `python -m bench cluster` (bench/bench_cluster.py: throughput with one and
two hosts) and by the `cluster`-marked tests (bench/tests/test_cluster.py: booking
storm, cross-host publish, failover, no duplicate email).

- PostgreSQL: the shared server, database `spanglish_cluster` (dropped and created
  afresh each run; CLUSTER_DATABASE_URL overrides). DATABASE_REPLICA_URL points at the
  same database, so the primary/replica router (spanglish/routers.py) is in the path
  of every read — with no replication lag, which is therefore not tested here.
- Redis: a private redis-server on a free port (bench/services.py), never the shared
  one: cache, sessions, the published-events version and the scheduler's lock.
- Email: Django's file backend into a temporary directory shared by all processes
  (bench/cluster_settings.py), so messages can be counted per recipient.
- nginx: `upstream` with both hosts, `proxy_next_upstream` for failover, and
  X-Forwarded-For appended, which the app trusts with TRUSTED_PROXY_COUNT=1.
"""

import http.client
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from email import message_from_binary_file
from pathlib import Path

from bench import env
from bench.services import PrivateRedis, free_port

ROOT = Path(__file__).resolve().parent.parent
CLUSTER_DB = os.environ.get(
    "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spanglish_cluster"
)
# Small hosts: the machine has 2 cores for everything (nginx, both hosts, workers,
# scheduler, PostgreSQL, Redis and the load itself).
HOST_WORKERS = int(os.environ.get("CLUSTER_GUNICORN_WORKERS", "2"))
HOST_THREADS = int(os.environ.get("CLUSTER_GUNICORN_THREADS", "2"))
START_TIMEOUT = float(os.environ.get("CLUSTER_START_TIMEOUT", "180"))

NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream spanglish {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;
        location / {{
            proxy_pass http://spanglish;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A host that refuses or drops the connection: try the other one. nginx
            # never resends a POST that reached a host (non_idempotent is off): the
            # client retries it with its Idempotency-Key instead.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def seed() -> None:
    """Run inside `manage.py shell` on the cluster's database: an organizer, members,
    events to book and a draft to publish, with access tokens (same SECRET_KEY as the
    hosts). Writes JSON to CLUSTER_SEED_OUT."""
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from community.models import User
    from events.models import Event, EventStatus

    now = timezone.now()
    members = int(os.environ.get("CLUSTER_SEED_MEMBERS", "240"))

    def event(slug: str, capacity: int, status=EventStatus.PUBLISHED) -> str:
        return str(
            Event.objects.create(
                slug=slug,
                title_en=f"Cluster {slug}",
                title_es=f"Clúster {slug}",
                starts_at=now + timedelta(days=7),
                ends_at=now + timedelta(days=7, hours=2),
                capacity=capacity,
                status=status,
            ).pk
        )

    organizer = User.objects.create_user(
        email="organizer@cluster.local", name="Organizer", role="organizer"
    )
    User.objects.bulk_create(
        User(email=f"m{i:04d}@cluster.local", name=f"Member {i}", role="member")
        for i in range(members)
    )
    users = User.objects.filter(email__startswith="m", email__endswith="@cluster.local")
    out = {
        "organizer": str(RefreshToken.for_user(organizer).access_token),
        "members": [
            {"email": u.email, "token": str(RefreshToken.for_user(u).access_token)}
            for u in users.order_by("email")
        ],
        "events": {
            "storm": event("cluster-storm", 25),
            "failover": event("cluster-failover", 120),
            "draft": event("cluster-draft", 50, EventStatus.DRAFT),
            "load": event("cluster-load", 100_000),
        },
    }
    Path(os.environ["CLUSTER_SEED_OUT"]).write_text(json.dumps(out))


@dataclass
class Process:
    name: str
    proc: subprocess.Popen
    port: int | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    hosts: int = 2
    workers: int = 2
    scheduler: bool = True
    tmp: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="spanglish-cluster-"))
    )
    processes: dict[str, Process] = field(default_factory=dict)
    seed: dict = field(default_factory=dict)

    def __post_init__(self):
        self.redis = PrivateRedis()
        self.mail_dir = self.tmp / "mail"
        self.static = self.tmp / "static"
        self.logs = self.tmp / "logs"
        self.nginx_port = free_port()
        self.ports = [free_port() for _ in range(self.hosts)]
        self.environ = {
            **env.ENV,
            "DJANGO_SETTINGS_MODULE": "bench.cluster_settings",
            "CLUSTER_MAIL_DIR": str(self.mail_dir),
            "DATABASE_URL": CLUSTER_DB,
            "DATABASE_REPLICA_URL": CLUSTER_DB,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.nginx_port}",
            "STATIC_ROOT": str(self.static),
            "TRUSTED_PROXY_COUNT": "1",
            "TASKS_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
            # Few connections each: 2 hosts × workers × threads, 2 task workers and the
            # scheduler share one PostgreSQL with everyone else on this machine.
            "DATABASE_POOL_MAX": os.environ.get("CLUSTER_POOL_MAX", "4"),
        }

    # --- life cycle -------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def host_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def manage(self, *args: str, **extra: str) -> None:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**os.environ, **self.environ, **extra},
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _spawn(self, name: str, argv: list[str], *, port: int | None = None, **extra):
        self.logs.mkdir(parents=True, exist_ok=True)
        log = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env={**os.environ, **self.environ, **extra},
            stdout=log,
            stderr=log,
            # Its own process group: "the host dies" kills the master and its workers.
            start_new_session=True,
        )
        log.close()
        self.processes[name] = Process(name, proc, port)
        return self.processes[name]

    def start(self) -> "Cluster":
        if nginx_binary() is None:
            raise RuntimeError("nginx not found: apt-get install -y nginx")
        self.mail_dir.mkdir(parents=True)
        self._fresh_database()
        self.redis.start()
        self.environ["CACHE_URL"] = self.redis.url
        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input")
        seed_out = self.tmp / "seed.json"
        self.manage(
            "shell", "-c", "from bench.cluster import seed; seed()",
            CLUSTER_SEED_OUT=str(seed_out),
        )  # fmt: skip
        self.seed = json.loads(seed_out.read_text())
        for i in range(self.hosts):
            self.start_host(i)
        for i in range(self.workers):
            self._spawn(
                f"worker-{i}",
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2",
                 "--no-startup-delay", "--worker-id", f"cluster-{i}"],
            )  # fmt: skip
        if self.scheduler:
            self._spawn(
                "scheduler", [sys.executable, "manage.py", "crontask", "--no-heartbeat"]
            )
        self._start_nginx()
        for i in range(self.hosts):
            self.wait_healthy(self.host_url(i), f"host-{i}")
        self.wait_healthy(self.url, "nginx")
        return self

    def start_host(self, index: int) -> Process:
        port = self.ports[index]
        return self._spawn(
            f"host-{index}",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "spanglish.wsgi",
            ],
            port=port,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(HOST_WORKERS),
            GUNICORN_THREADS=str(HOST_THREADS),
            GUNICORN_LOGLEVEL="warning",
            GUNICORN_TIMEOUT="60",
            GUNICORN_MAX_REQUESTS="0",
        )

    def _start_nginx(
        self, name: str = "nginx", *, ports: list[int] | None = None, port: int = 0
    ) -> str:
        """nginx in front of `ports` (default: every host); returns its base URL."""
        port = port or self.nginx_port
        servers = "\n".join(
            f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;"
            for p in (ports or self.ports)
        )
        root = self.tmp / name
        root.mkdir(exist_ok=True)
        conf = root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=root, servers=servers, port=port))
        self._spawn(name, [nginx_binary(), "-c", str(conf), "-p", str(root), "-e",
                           str(root / "nginx-error.log")])  # fmt: skip
        return f"http://127.0.0.1:{port}"

    def nginx_for(self, indexes: list[int]) -> str:
        """A second nginx in front of only these hosts (e.g. [0]: one host)."""
        name = "nginx-" + "-".join(map(str, indexes))
        base = self._start_nginx(
            name, ports=[self.ports[i] for i in indexes], port=free_port()
        )
        self.wait_healthy(base, name)
        return base

    def wait_healthy(self, base: str, name: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            process = self.processes.get(name)
            if (
                process and process.proc.poll() is not None
            ) or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {self.logs}")
            time.sleep(0.3)

    def kill_host(self, index: int) -> None:
        """The host dies at once (power cut): SIGKILL to gunicorn's master and workers."""
        process = self.processes[f"host-{index}"]
        os.killpg(process.proc.pid, signal.SIGKILL)
        process.proc.wait()

    def _fresh_database(self) -> None:
        import psycopg

        name = CLUSTER_DB.rsplit("/", 1)[-1]
        admin = CLUSTER_DB.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def close(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.proc.poll() is None:
                try:
                    os.killpg(process.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes.values():
            try:
                process.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.proc.pid, signal.SIGKILL)
                process.proc.wait()
        self.redis.close()
        if not os.environ.get("CLUSTER_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc):
        self.close()

    # --- looking inside -----------------------------------------------------------
    def sql(self, query: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(CLUSTER_DB) as conn:
            return conn.execute(query, params).fetchall()

    def tickets(self, event_id: str) -> dict[str, int]:
        """Live tickets (not cancelled) per member email for one event."""
        rows = self.sql(
            "SELECT u.email, count(*) FROM tickets_ticket t "
            "JOIN community_user u ON u.id = t.user_id "
            "WHERE t.event_id = %s AND t.status IN ('confirmed', 'pending_payment', 'checked_in') "
            "GROUP BY u.email",
            event_id,
        )
        return dict(rows)

    def wait_tasks_done(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            (pending,) = self.sql(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status IN ('READY', 'RUNNING')"
            )[0]
            if pending == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.5)

    def mail_per_recipient(self) -> dict[str, int]:
        """Messages in the shared file mailbox, per To: address (one file per
        connection, messages separated by a line of dashes)."""
        counts: dict[str, int] = {}
        for path in self.mail_dir.glob("*.log"):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if not chunk.strip():
                    continue
                message = message_from_binary_file(io.BytesIO(chunk.lstrip()))
                for address in (message.get("To") or "").split(","):
                    address = address.strip()
                    if address:
                        counts[address] = counts.get(address, 0) + 1
        return counts


# --- HTTP client ---------------------------------------------------------------------
@dataclass
class Answer:
    status: int  # 0: no answer (connection error, timeout)
    body: dict | list | str | None
    headers: dict
    error: str = ""


def request(
    base: str,
    method: str,
    path: str,
    *,
    body: dict | None = None,
    token: str | None = None,
    headers: dict | None = None,
    timeout: float = 30,
) -> Answer:
    host, port = base.removeprefix("http://").split(":")
    sent = {
        "Accept-Language": "en",
        "Accept": "application/json, text/html",
        **(headers or {}),
    }
    if body is not None:
        sent["Content-Type"] = "application/json"
    if token:
        sent["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers=sent)  # fmt: skip
        response = conn.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw)
        except ValueError:
            data = raw.decode("utf-8", "replace")
        return Answer(response.status, data, dict(response.getheaders()))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, None, {}, type(exc).__name__)
    finally:
        conn.close()


def error_code(answer: Answer) -> str:
    if isinstance(answer.body, dict) and isinstance(answer.body.get("error"), dict):
        return answer.body["error"].get("code", "")
    return ""


# An answer worth retrying with the same Idempotency-Key: no answer, the proxy found no
# live host, or the first copy of this request is still running somewhere.
RETRY_STATUSES = {0, 502, 503, 504}


@dataclass
class Booking:
    email: str
    final: Answer | None = None
    attempts: int = 0
    lost_answers: int = 0  # connection errors / 5xx seen before the final answer

    @property
    def booked(self) -> bool:
        return self.final is not None and self.final.status in (200, 201)

    @property
    def sold_out(self) -> bool:
        return (
            self.final is not None
            and self.final.status == 409
            and error_code(self.final) == "sold_out"
        )


def book(base: str, member: dict, event_id: str, *, deadline: float) -> Booking:
    """POST /api/tickets until a definite answer (or the deadline), always with the
    same Idempotency-Key, as a careful client does."""
    key = str(uuid.uuid4())
    booking = Booking(member["email"])
    while time.monotonic() < deadline:
        booking.attempts += 1
        answer = request(
            base, "POST", "/api/tickets", body={"event": event_id},
            token=member["token"], headers={"Idempotency-Key": key},
        )  # fmt: skip
        in_progress = (
            answer.status == 409 and error_code(answer) == "idempotency_in_progress"
        )
        if answer.status in RETRY_STATUSES or in_progress:
            booking.lost_answers += answer.status in RETRY_STATUSES
            time.sleep(0.3)
            continue
        booking.final = answer
        return booking
    return booking


def storm(
    base: str,
    members: list[dict],
    event_id: str,
    *,
    clients: int = 8,
    seconds: float = 150,
    during=None,
) -> list[Booking]:
    """Every member books `event_id` once, `clients` at a time. `during(done)` runs in
    its own thread (e.g. killing a host once `done()` bookings have answered)."""
    deadline = time.monotonic() + seconds
    queue = list(members)
    results: list[Booking] = []
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                if not queue:
                    return
                member = queue.pop()
            outcome = book(base, member, event_id, deadline=deadline)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    side = None
    if during is not None:
        side = threading.Thread(target=during, args=(lambda: len(results),))
        side.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if side is not None:
        side.join()
    return results


def throughput(
    base: str, path: str, *, seconds: int = 8, connections: int = 16
) -> float:
    """Requests per second from wrk (Debian's package) for one GET path."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk not found: apt-get install -y wrk")
    out = subprocess.run(  # noqa: S603
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "-H", "Accept-Language: en",
         base + path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(f"wrk gave no rate:\n{out}")
