"""Door scans under load: POST /api/tickets/checkin from 16 concurrent scanners, beside
the raw write ceiling, all driven by wrk in one run.

The ceiling is a bare Django view that locks a row, counts rows and inserts one in a
transaction (bench/ceiling.py, served only by this benchmark's server). Then wrk (2
threads, 16 connections, a short warm-up, BENCH_SECONDS) POSTs a check-in per request
as a signed-in volunteer (JWT bearer): first scans each send a code never scanned
before; repeated scans send codes already checked in ("already checked in", also
200). The targets are ratios to the same run's ceiling, so the load of the box cancels
out: first-scan p99 ≤ 1.5 × the ceiling's p99, first-scan throughput ≥ 40 % of it.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

from bench import load, server

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
WARMUP = int(os.environ.get("BENCH_WARMUP_SECONDS", "2"))
THREADS = 2
# Distinct codes: more than two cores can check in during the run and the warm-up.
POOL = int(os.environ.get("BENCH_SCAN_POOL", str(max(6000, (SECONDS + WARMUP) * 1500))))
FIRST = '"outcome":"checked_in"'
AGAIN = '"outcome":"already_checked_in"'
# Volunteers signed in: the requests take their tokens in turn (1: every phone
# shares one door account).
SCANNERS = int(os.environ.get("BENCH_SCANNERS", "1"))
P99_TARGET = 1.5  # × the ceiling's p99
RPS_TARGET = 0.40  # × the ceiling's requests/s

# Each wrk thread takes every THREADS-th line of the codes file (its own share), so no
# code is sent twice unless the list runs out (then it starts over: a repeated scan,
# counted as unexpected when `expect` says first scans). The threads are registered
# by bench.load.WRK_THREADS_LUA and reported by its WRK_RESULT_LUA.
LUA = r"""
local codes, index = {}, 0

function init(args)
  local n = 0
  if CODES ~= "" then
    for line in io.lines(CODES) do
      if n % NTHREADS == id then table.insert(codes, line) end
      n = n + 1
    end
  end
end

function request()
  local body = BODY
  if #codes > 0 then
    index = index % #codes + 1
    body = string.format('{"code":"%s","event":"%s"}', codes[index], EVENT)
  end
  if #TOKENS > 0 then
    HEADERS["Authorization"] = "Bearer " .. TOKENS[index % #TOKENS + 1]
  end
  return wrk.format("POST", PATH, HEADERS, body)
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, EXPECT, 1, true) then
    unexpected = unexpected + 1
    if first_unexpected == nil then
      first_unexpected = string.gsub(string.sub(body, 1, 160), '[^%w :,._-]', '?')
    end
  end
end

"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here


def _script(
    directory: Path,
    *,
    path: str,
    headers: dict,
    expect: str,
    codes: list[str] = (),
    event: str = "",
    body: str = "",
    tokens: list[str] = (),
) -> Path:
    codes_file = ""
    if codes:
        codes_file = str(directory / f"codes-{len(list(directory.iterdir()))}.txt")
        Path(codes_file).write_text("\n".join(codes) + "\n")
    lua_headers = ", ".join(
        f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
    )
    prelude = "\n".join(
        [
            f"PATH = {_lua_string(path)}",
            f"HEADERS = {{{lua_headers}}}",
            f"TOKENS = {{{', '.join(_lua_string(t) for t in tokens)}}}",
            f"EXPECT = {_lua_string(expect)}",
            f"CODES = {_lua_string(codes_file)}",
            f"EVENT = {_lua_string(event)}",
            f"BODY = {_lua_string(body)}",
            f"NTHREADS = {THREADS}",
        ]
    )
    script = directory / f"script-{len(list(directory.iterdir()))}.lua"
    script.write_text(prelude + load.WRK_THREADS_LUA + LUA + load.WRK_RESULT_LUA)
    return script


def _wrk(base: str, script: Path, seconds: int) -> dict:
    return load.run_wrk_script(
        base, script, seconds=seconds, threads=THREADS, concurrency=CONCURRENCY
    )


def _measure(base: str, scripts: tuple[Path, Path]) -> dict:
    warmup, measured = scripts
    if WARMUP:
        _wrk(base, warmup, WARMUP)
    return _wrk(base, measured, SECONDS)


def _tickets(event, n: int) -> list[str]:
    from django.db import connection

    from tickets.models import PaymentMethod, Ticket, TicketStatus

    Ticket.objects.bulk_create(
        [
            Ticket(
                event=event,
                status=TicketStatus.CONFIRMED,
                payment_method=PaymentMethod.FREE,
                attendee_name=f"Guest {i}",
                attendee_email=f"scan{i}@bench.local",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    # Tickets are booked days before the door opens, and autovacuum has long visited
    # them by then: without this, the first scans would also pay for setting the
    # hint bits of 18,000 rows inserted a second ago (and race autovacuum for them).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) tickets_ticket")
    return list(
        Ticket.objects.filter(event=event)
        .order_by("created_at", "pk")
        .values_list("code", flat=True)
    )


def _rows(label: str, result: dict, ceiling: dict | None, note: str = "") -> list[dict]:
    notes = [f"{result['requests']:,} requests, {result['errors']} errors"]
    if note:
        notes.append(note)
    if result["errors"] and result["sample"]:
        notes.append(f"first unexpected answer: {result['sample'][:100]!r}")
    rows = [
        {
            "name": f"{label}: requests/s",
            "value": round(result["rps"], 1),
            "unit": "req/s",
            "note": "; ".join(notes),
        },
        {"name": f"{label}: p50", "value": round(result["p50_ms"], 2), "unit": "ms"},
        {"name": f"{label}: p99", "value": round(result["p99_ms"], 2), "unit": "ms"},
    ]
    if ceiling:
        rows += [
            {
                "name": f"{label}: throughput ÷ ceiling",
                "value": round(result["rps"] / ceiling["rps"], 3),
                "unit": "×",
            },
            {
                "name": f"{label}: p99 ÷ ceiling p99",
                "value": round(result["p99_ms"] / ceiling["p99_ms"], 3),
                "unit": "×",
            },
        ]
    return rows


def run() -> list[dict]:
    if not shutil.which("wrk"):
        raise RuntimeError(
            "the scans benchmark needs wrk: `make wrk` (as root) or apt-get install wrk"
        )
    from bench.bench_pages import _accounts, _event
    from bench.ceiling import create_tables

    create_tables()
    volunteers = _accounts("bench-scanner-", SCANNERS, "volunteer")
    event = _event("bench-scans", POOL + 10)
    codes = _tickets(event, POOL)
    warm_codes, first_codes = codes[: POOL // 6], codes[POOL // 6 :]

    from rest_framework_simplejwt.tokens import AccessToken

    from tickets.models import Ticket, TicketStatus

    # Minted just before the runs (access tokens last JWT_ACCESS_MINUTES); the
    # scanners' real sign-in is measured by the pages section.
    scan = {
        "path": "/api/tickets/checkin",
        "headers": {"Content-Type": "application/json"},
        "tokens": [str(AccessToken.for_user(v)) for v in volunteers],
        "event": str(event.pk),
    }
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        ceiling_script = _script(
            directory, path="/bench/write-ceiling", headers={}, expect='"ok": true'
        )
        first_scripts = (
            _script(directory, **scan, expect=FIRST, codes=warm_codes),
            _script(directory, **scan, expect=FIRST, codes=first_codes),
        )
        with server.running_server(
            environ={
                "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings",
                # Every scanner shares one door account here: the API's per-user
                # ceiling (THROTTLE_API) still counts each request, as in
                # production, but must not answer 429 at benchmark rates.
                "THROTTLE_API": "100000000/minute",
            }
        ) as base:
            ceiling = _measure(base, (ceiling_script, ceiling_script))
            first = _measure(base, first_scripts)
            done = list(
                Ticket.objects.filter(
                    event=event, status=TicketStatus.CHECKED_IN
                ).values_list("code", flat=True)
            )
            again_script = _script(directory, **scan, expect=AGAIN, codes=done)
            repeated = _measure(base, (again_script, again_script))
    checked_in = len(done)
    ok = (
        first["p99_ms"] <= P99_TARGET * ceiling["p99_ms"]
        and first["rps"] >= RPS_TARGET * ceiling["rps"]
    )
    return [
        *_rows("write ceiling (lock a row, count, insert)", ceiling, None),
        *_rows(
            "first scans",
            first,
            ceiling,
            f"{checked_in:,} tickets checked in (warm-up included)",
        ),
        *_rows("repeated scans", repeated, ceiling, "codes already checked in"),
        {
            "name": "target met",
            "value": "yes" if ok else "no",
            "unit": "",
            "note": f"first-scan p99 ≤ {P99_TARGET} × ceiling p99 and throughput ≥ "
            f"{RPS_TARGET:.0%} of the ceiling's",
        },
    ]
