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

The last line per database is the summary other tools read:

    dashboard db=<sqlite|postgresql> pathways=5000 p95_ms=<x> baseline_p95_ms=<y> ratio=<x/y>
"""

from __future__ import annotations

import argparse
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


def run(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    import pathways_data

    workdir = Path(tempfile.mkdtemp(prefix="vern-bench-dashboard-"))
    try:
        pathways_data.configure(db, workdir, PG_NAME)
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
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                queries.append(sql) or execute(sql, params, many, context)
            )
        ):
            client.get(pages["dashboard"])
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
        print(f"dashboard queries per request: {len(queries)}")
        dashboard, baseline = p95(times["dashboard"]), p95(times["baseline"])
        print(
            f"dashboard db={db} pathways={open_pathways} p95_ms={dashboard:.1f} "
            f"baseline_p95_ms={baseline:.1f} ratio={dashboard / baseline:.2f}"
        )
    finally:
        pathways_data.teardown(db, PG_NAME)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="sqlite")
    args = parser.parse_args()
    if args.db == "all":
        for db in ("sqlite", "postgresql"):
            subprocess.run([sys.executable, __file__, "--db", db], check=True)  # noqa: S603 (this script)
        return
    run(args.db)


if __name__ == "__main__":
    main()
