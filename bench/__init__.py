"""Benchmarks: `make bench` runs every bench/bench_*.py and writes BENCHMARKS.md.

Each module defines `run() -> list[dict]`, rows with "name", "value", "unit" and
optionally "note". bench.server serves the app with gunicorn on PostgreSQL with
production settings; bench.load drives it from other processes on loopback.
"""
