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

    write_report(sections)
    return 1 if failed else 0


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_report(sections) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {machine()}.",
        "",
        "The app runs under gunicorn with production settings (DEBUG off) on PostgreSQL and "
        "Redis; load comes from separate processes on loopback (wrk for plain GETs, Python "
        "clients otherwise), sharing the same cores, so absolute figures are lower bounds.",
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
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))
    print(f"Wrote {ROOT / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
