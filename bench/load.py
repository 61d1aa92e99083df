"""Load generation from other processes on loopback.

GET loads use wrk (a C load generator from Debian's packages) when it is installed,
because a Python client on the same two cores would measure itself. Everything else
(and GET without wrk) uses a pool of Python processes with keep-alive connections.
"""

import http.client
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import time
from urllib.parse import urlsplit


def _wrk(url: str, seconds: int, concurrency: int, headers: dict) -> dict:
    args = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(concurrency),
        "-d",
        f"{seconds}s",
        "--latency",
        url,
    ]
    for key, value in (headers or {}).items():
        args[1:1] = ["-H", f"{key}: {value}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout  # noqa: S603

    def latency(pct: str) -> float:
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": errors,
        "tool": "wrk",
    }


def _worker(args):
    url, deadline, method, headers, body, count = args
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    latencies, errors, statuses = [], 0, {}
    done = 0
    while (count is None and time.monotonic() < deadline) or (
        count is not None and done < count
    ):
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status >= 500:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        latencies.append((time.perf_counter() - start) * 1000)
        done += 1
    conn.close()
    return latencies, errors, statuses


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def hammer(
    url: str,
    *,
    seconds: int = 10,
    concurrency: int = 16,
    method: str = "GET",
    headers: dict | None = None,
    body: bytes | str | dict | None = None,
    python: bool = False,
) -> dict:
    """Load `url` for `seconds` with `concurrency` clients (Python clients even for a
    plain GET when `python`, to compare like with like).

    Returns requests, rps, p50_ms, p99_ms, errors (5xx and connection failures).
    """
    if isinstance(body, dict):
        body = json.dumps(body)
        headers = {"Content-Type": "application/json", **(headers or {})}
    if method == "GET" and body is None and not python and shutil.which("wrk"):
        return _wrk(url, seconds, concurrency, headers or {})
    return _python_load(
        url,
        seconds=seconds,
        concurrency=concurrency,
        method=method,
        headers=headers,
        body=body,
    )


def _python_load(url, *, seconds, concurrency, method, headers, body, count=None):
    with multiprocessing.Pool(concurrency) as pool:
        # The clock starts once the client processes exist.
        deadline = time.monotonic() + seconds
        started = time.perf_counter()
        results = pool.map(
            _worker, [(url, deadline, method, headers, body, count)] * concurrency
        )
        elapsed = time.perf_counter() - started
    latencies = [lat for r in results for lat in r[0]]
    statuses: dict[int, int] = {}
    for r in results:
        for status, n in r[2].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p99_ms": _percentile(latencies, 99),
        "errors": sum(r[1] for r in results),
        "statuses": statuses,
        "tool": "python",
    }


def _item_worker(args):
    """Send this client's (headers, body) items in turn until the deadline; items
    run out → stop early (`cycle` False) or start over (`cycle` True)."""
    url, deadline, method, items, cycle, expect_status, expect_body = args
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    latencies, errors, statuses, unexpected = [], 0, {}, b""
    index, exhausted = 0, False
    while time.monotonic() < deadline:
        if index == len(items):
            if not cycle or not items:
                exhausted = True
                break
            index = 0
        headers, body = items[index]
        index += 1
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status != expect_status or (
                expect_body and expect_body not in data
            ):
                errors += 1
                unexpected = unexpected or data[:300]
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        latencies.append((time.perf_counter() - start) * 1000)
    conn.close()
    return latencies, errors, statuses, exhausted, unexpected


def hammer_each(
    url: str,
    items: list[tuple[dict, bytes | str | dict]],
    *,
    seconds: int = 10,
    concurrency: int = 16,
    method: str = "POST",
    cycle: bool = False,
    expect_status: int = 200,
    expect_body: bytes = b"",
) -> dict:
    """Fixed-time load where every request has its own headers and body (a different
    signed-in member, a different ticket code), from `concurrency` client processes.

    Client i sends items[i::concurrency] in order, so no item is sent twice unless
    `cycle`. A response other than `expect_status` (or without `expect_body`) counts
    as an error. Returns what hammer() returns plus `exhausted` (clients that ran out
    of items before the deadline) and `unexpected` (the first odd answer)."""
    prepared = []
    for headers, body in items:
        if isinstance(body, dict):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **headers}
        prepared.append((headers, body))
    with multiprocessing.Pool(concurrency) as pool:
        # The clock starts once the client processes exist.
        deadline = time.monotonic() + seconds
        started = time.perf_counter()
        results = pool.map(
            _item_worker,
            [
                (
                    url,
                    deadline,
                    method,
                    prepared[i::concurrency],
                    cycle,
                    expect_status,
                    expect_body,
                )
                for i in range(concurrency)
            ],
        )
        elapsed = time.perf_counter() - started
    latencies = [lat for r in results for lat in r[0]]
    statuses: dict[int, int] = {}
    for r in results:
        for status, n in r[2].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p99_ms": _percentile(latencies, 99),
        "errors": sum(r[1] for r in results),
        "statuses": statuses,
        "exhausted": sum(1 for r in results if r[3]),
        "unexpected": next((r[4] for r in results if r[4]), b""),
        "tool": "python",
    }


def burst(
    requests: list[tuple[str, str, dict, bytes | None]], *, concurrency: int
) -> list[tuple[int, float, bytes]]:
    """Send each (method, url, headers, body) once, `concurrency` at a time, as close to
    simultaneously as possible. Returns (status, latency_ms, body) per request."""
    with multiprocessing.Pool(concurrency) as pool:
        return pool.map(_one, requests)


def _one(item):
    method, url, headers, body = item
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    start = time.perf_counter()
    try:
        conn.request(
            method,
            parts.path + (f"?{parts.query}" if parts.query else ""),
            body=body,
            headers=headers,
        )
        response = conn.getresponse()
        data = response.read()
        return response.status, (time.perf_counter() - start) * 1000, data
    except (OSError, http.client.HTTPException) as exc:
        return 0, (time.perf_counter() - start) * 1000, str(exc).encode()
    finally:
        conn.close()


# The first words of every wrk script here (after its settings): each thread is
# registered, with its id (0, 1, …) and its count of unexpected answers, which the
# script's response() keeps.
WRK_THREADS_LUA = r"""
local threads = {}
unexpected = 0 -- a global: done() reads it from each thread

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
"""

# The last words of every wrk script here: one "WRK-RESULT {json}" line that
# run_wrk_script reads (socket errors and unexpected answers counted per thread).
WRK_RESULT_LUA = r"""
function done(summary, latency, requests)
  local bad, sample = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("unexpected")
    sample = sample .. (t:get("first_unexpected") or "")
  end
  local e = summary.errors
  io.write("WRK-RESULT " .. string.format(
    '{"requests":%d,"seconds":%f,"p50_us":%d,"p99_us":%d,"socket_errors":%d,"unexpected":%d,"sample":"%s"}',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, bad, sample) .. "\n")
end
"""

# Each wrk thread takes every NTHREADS-th line of the items file ("<Authorization
# header value>\t<body>"), so no item is sent twice unless the list runs out (then it
# starts over, and the repeat counts as unexpected when it gets another answer). A
# response other than EXPECT_STATUS, or without EXPECT_BODY, counts as unexpected.
# WRK_RESULT_LUA's done() reports.
_WRK_EACH_LUA = r"""
local items, index = {}, 0

function init(args)
  local n = 0
  for line in io.lines(ITEMS) do
    if n % NTHREADS == id then
      local tab = string.find(line, "\t", 1, true)
      table.insert(items, {string.sub(line, 1, tab - 1), string.sub(line, tab + 1)})
    end
    n = n + 1
  end
end

function request()
  index = index % #items + 1
  local item = items[index]
  if item[1] ~= "" then HEADERS["Authorization"] = item[1] end
  return wrk.format(METHOD, PATH, HEADERS, item[2])
end

function response(status, headers, body)
  if status ~= EXPECT_STATUS or not string.find(body, EXPECT_BODY, 1, true) then
    unexpected = unexpected + 1
    if first_unexpected == nil then
      first_unexpected = status .. " " ..
        string.gsub(string.sub(body, 1, 160), '[^%w :,._-]', '?')
    end
  end
end

"""


def wrk_each(
    url: str,
    items: list[tuple[str, str]],
    *,
    seconds: int,
    concurrency: int = 16,
    threads: int = 2,
    method: str = "POST",
    content_type: str = "application/json",
    expect_status: int = 200,
    expect_body: str = "",
) -> dict:
    """wrk (`threads` threads, `concurrency` connections) for `seconds`, where every
    request has its own Authorization header value and body: items are
    (authorization, body) pairs ("" for no header), each sent once while they last.

    Returns requests, rps, p50_ms, p99_ms, errors (socket errors plus answers other
    than `expect_status` or without `expect_body`), sample (the first odd answer) and
    tool "wrk". Raises RuntimeError when wrk is missing or fails."""
    import os
    import tempfile

    if not shutil.which("wrk"):
        raise RuntimeError(
            "this benchmark needs wrk: `make wrk` or apt-get install wrk"
        )
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    with tempfile.TemporaryDirectory() as tmp:
        items_file = os.path.join(tmp, "items.txt")
        with open(items_file, "w") as f:
            for auth, body in items:
                f.write(f"{auth}\t{body}\n")
        prelude = "\n".join(
            [
                f"ITEMS = {json.dumps(items_file)}",
                f"PATH = {json.dumps(path)}",
                f"METHOD = {json.dumps(method)}",
                f'HEADERS = {{["Content-Type"] = {json.dumps(content_type)}}}',
                f"EXPECT_STATUS = {int(expect_status)}",
                f"EXPECT_BODY = {json.dumps(expect_body)}",
                f"NTHREADS = {int(threads)}",
            ]
        )
        script = os.path.join(tmp, "each.lua")
        with open(script, "w") as f:
            f.write(prelude + WRK_THREADS_LUA + _WRK_EACH_LUA + WRK_RESULT_LUA)
        return {
            **run_wrk_script(
                base, script, seconds=seconds, threads=threads, concurrency=concurrency
            ),
            "tool": "wrk",
        }


def run_wrk_script(
    base: str, script, *, seconds: int, threads: int = 2, concurrency: int = 16
) -> dict:
    """Run wrk with a Lua script that prints one "WRK-RESULT {json}" line at the end
    (the scripts of wrk_each and bench_scans do) and read that line: requests, rps,
    p50_ms, p99_ms, errors and sample. Raises RuntimeError when wrk fails."""
    out = subprocess.run(  # noqa: S603
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(concurrency),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
    )
    line = next(
        (x for x in out.stdout.splitlines() if x.startswith("WRK-RESULT ")), None
    )
    if out.returncode or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / raw["seconds"] if raw["seconds"] else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["socket_errors"] + raw["unexpected"],
        "sample": raw["sample"],
    }
