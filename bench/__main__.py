"""`python -m bench [name ...]`: run the benchmarks and write BENCHMARKS.md."""

import importlib
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import env

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    pg = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True
    ).stdout.strip()  # noqa: S607
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {pg or 'psql not found'}"
    )


def modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def main(argv: list[str]) -> int:
    env.apply()
    from bench import server

    server.prepare()
    import django

    django.setup()

    sections: list[tuple[str, list[dict], float, str]] = []
    failed = False
    load_before = _load()
    run_started = time.perf_counter()
    for name in modules(argv):
        print(f"==> {name}", flush=True)
        started = time.perf_counter()
        try:
            rows = importlib.import_module(f"bench.{name}").run()
            error = ""
        except Exception:
            rows, error = [], traceback.format_exc()
            failed = True
            print(error, file=sys.stderr)
        elapsed = time.perf_counter() - started
        for row in rows:
            print(f"    {row['name']}: {row['value']} {row.get('unit', '')}")
        sections.append((name, rows, elapsed, error))

    write_report(
        sections,
        load=f"{load_before} before, {_load()} after",
        total=time.perf_counter() - run_started,
    )
    return 1 if failed else 0


def _load() -> str:
    """The 1, 5 and 15-minute load averages: other work on the box shows here."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_report(sections, *, load: str = "", total: float = 0.0) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Load average (1 / 5 / 15 min): {load}. Whole run: {total / 60:.1f} min.",
        "",
        "The app runs under gunicorn with production settings (DEBUG off, the project's "
        "gunicorn.conf.py) on PostgreSQL and Redis; load comes from separate processes on "
        "loopback for a fixed time (wrk for plain GETs, door scans and bookings, Python "
        "clients otherwise), sharing "
        "the same cores, so absolute figures are lower bounds. Each load run lasts "
        f"BENCH_SECONDS={os.environ.get('BENCH_SECONDS', '10')} s with "
        f"BENCH_CONCURRENCY={os.environ.get('BENCH_CONCURRENCY', '16')} connections.",
        "",
    ]
    for name, rows, elapsed, error in sections:
        title = name.removeprefix("bench_").replace("_", " ")
        lines += [
            f"## {title}",
            "",
            "| measure | value | unit | note |",
            "| --- | ---: | --- | --- |",
        ]
        lines += [
            f"| {r['name']} | {_fmt(r['value'])} | {r.get('unit', '')} | {r.get('note', '')} |"
            for r in rows
        ]
        if error:
            lines += ["", f"Failed: `{error.strip().splitlines()[-1]}`"]
        lines += ["", f"_{elapsed:.0f} s to run._", ""]
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():  # hand-written: what changed and the figures before and after
        lines += [notes.read_text().strip(), ""]
    # BENCH_OUTPUT: write elsewhere, e.g. for an A/B run that should not replace
    # the published figures.
    output = Path(os.environ.get("BENCH_OUTPUT", ROOT / "BENCHMARKS.md"))
    output.write_text("\n".join(lines))
    print(f"Wrote {output}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
