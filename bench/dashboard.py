"""Benchmark of the coordinator's dashboard (issue 12, "Performance").

Builds 5,000 open pathways with 100,000 open steps, orders and release follow-ups in
one municipality (bench/pathways_data.py) in a fresh, production-like database, then
requests the coordinator's dashboard (``/ansatt/forlop/oversikt/``) and a plain staff
page as the baseline (``/ansatt/varsler/``, the person's notifications) through
``django.test.Client``, interleaved, 200 times each after 20 warm-up requests, as a
logged-in, two-factor-verified coordinator.

    uv run python bench/dashboard.py                  # SQLite (a temporary file)
    uv run python bench/dashboard.py --db postgresql  # PostgreSQL database vern_bench_dashboard
    uv run python bench/dashboard.py --db all         # both
    uv run python bench/dashboard.py --profile        # and cProfile 20 dashboard requests

With ``DATABASE_URL=postgres://…/<name>`` set, PostgreSQL runs use (drop and create) that
database instead of vern_bench_dashboard.

The last line per database is the summary other tools read:

    dashboard db=<sqlite|postgresql> pathways=5000 p95_ms=<x> baseline_p95_ms=<y> ratio=<x/y>
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PG_NAME = "vern_bench_dashboard"
REQUESTS = 200
WARM_UP = 20


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def pg_name() -> str:
    """The PostgreSQL database to use: DATABASE_URL's if it names one, else our own."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and "/" in url.split("//", 1)[1]:
        return url.rsplit("/", 1)[1].split("?", 1)[0] or PG_NAME
    return PG_NAME


def timed_queries(client, path: str) -> list[tuple[float, str]]:
    """One request's queries and their times in ms."""
    from django.db import connection

    found = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            found.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timer):
        assert client.get(path).status_code == 200
    return found


def profile(client, path: str) -> None:
    """cProfile of 20 requests and the slowest queries of one."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(30)
    stats.sort_stats("tottime").print_stats(15)
    for ms, sql in sorted(timed_queries(client, path), reverse=True)[:8]:
        print(f"{ms:7.2f} ms  {sql[:300]}")


def run(db: str, *, with_profile: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    import pathways_data

    workdir = Path(tempfile.mkdtemp(prefix="vern-bench-dashboard-"))
    try:
        pathways_data.configure(db, workdir, pg_name())
        from django.db import connection
        from django.test import Client
        from django.utils import timezone
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from vern.pathways.models import Pathway

        today = timezone.localdate()
        started = time.perf_counter()
        built = pathways_data.build(today)
        print(
            f"built pathways={built['pathways']} steps={built['steps']} "
            f"in {time.perf_counter() - started:.1f}s"
        )
        if connection.vendor == "postgresql":
            # The steady state of a production database: autovacuum has counted the rows
            # and marked the pages visible, so plans and index-only scans are the real ones
            # (right after the bulk load PostgreSQL has no statistics yet).
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        coordinator = built["coordinator"]
        client = Client()
        client.force_login(coordinator)
        device = TOTPDevice.objects.create(user=coordinator, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        pages = {"dashboard": "/ansatt/forlop/oversikt/", "baseline": "/ansatt/varsler/"}
        for path in pages.values():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        queries = timed_queries(client, pages["dashboard"])
        open_pathways = (
            Pathway.objects.for_system(reason="bench").filter(closed_at__isnull=True).count()
        )
        times: dict[str, list[float]] = {name: [] for name in pages}
        for n in range(WARM_UP + REQUESTS):
            for name, path in pages.items():
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200
                if n >= WARM_UP:
                    times[name].append(elapsed)
        for name, values in times.items():
            print(
                f"{name}: p50 {statistics.median(values):.1f} ms, p95 {p95(values):.1f} ms, "
                f"max {max(values):.1f} ms"
            )
        print(
            f"dashboard queries per request: {len(queries)}, "
            f"{sum(ms for ms, _sql in queries):.1f} ms in the database"
        )
        if with_profile:
            profile(client, pages["dashboard"])
        dashboard, baseline = p95(times["dashboard"]), p95(times["baseline"])
        print(
            f"dashboard db={db} pathways={open_pathways} p95_ms={dashboard:.1f} "
            f"baseline_p95_ms={baseline:.1f} ratio={dashboard / baseline:.2f}"
        )
    finally:
        pathways_data.teardown(db, pg_name())
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="sqlite")
    parser.add_argument("--profile", action="store_true", help="cProfile 20 dashboard requests")
    args = parser.parse_args()
    if args.db == "all":
        for db in ("sqlite", "postgresql"):
            command = [sys.executable, __file__, "--db", db]
            subprocess.run(command + ["--profile"] * args.profile, check=True)  # noqa: S603 (this script)
        return
    run(args.db, with_profile=args.profile)


if __name__ == "__main__":
    main()
