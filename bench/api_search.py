"""Single-client HSDS API search at the 20,000-service benchmark directory (issue 15).

Builds ``guide_search.Builder``'s synthetic directory in the database named by
``DATABASE_URL`` (PostgreSQL or SQLite) unless it already holds ``--services``
services, then times ``GET /api/hsds/services?search=<query>`` through
``django.test.Client`` (the whole Django stack, no network), one request at a
time, and counts the queries and the largest number of parameters one query
carried (the old code passed every matching id back as one ``IN`` list).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vern_api uv run python bench/api_search.py
    ... --drop   # drop the services first (a fresh build)

The database is kept, so a run before and a run after a change time the same
directory. Prints one summary line per request kind:

    api_search db=<vendor> services=<n> path=<kind> p50_ms=<x> p95_ms=<y> queries=<q> max_params=<p> total=<t>

A benchmark, not a test: it never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import guide_search

ROOT = guide_search.ROOT


def configure(workdir: Path) -> None:
    from cryptography.fernet import Fernet

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vern_api")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vern.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "VERN_FERNET_KEYS": Fernet.generate_key().decode(),
            "VERN_AUDIT_KEYS": "bench-audit-" + Fernet.generate_key().decode(),
            "SECURE_SSL_REDIRECT": "false",
            "VERN_DATA_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "VERN_LOG_LEVEL": "WARNING",
            # One client asking as fast as it can: no rate limit in the way.
            "VERN_HSDS_RATE": "1000000/m",
            "VERN_HSDS_SEARCH_RATE": "1000000/m",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def timed(client, path: str, params: dict, n: int) -> tuple[list[float], int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(3):
        client.get(path, params)  # warm-up (snapshot, vocabulary)
    queries = longest = total = 0
    for i in range(n):
        started = time.perf_counter()
        if i == 0:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, params)
            queries = len(captured)
            longest = max(len(q["sql"]) for q in captured)
        else:
            response = client.get(path, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        total = response.json()["total_items"]
    return times, queries, longest, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--query", default="vold")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    workdir = Path(tempfile.mkdtemp(prefix="vern-api-bench-"))
    configure(workdir)
    from django.db import connection
    from django.test import Client

    from vern.directory.models import Service

    if args.drop:
        Service.objects.all().delete()
    count = Service.objects.count()
    if count < args.services:
        started = time.perf_counter()
        guide_search.Builder(args.seed + count).add(args.services)
        print(f"built {Service.objects.count()} services in {time.perf_counter() - started:.0f} s")
    client = Client()
    busiest = guide_search.busiest_municipality()
    kinds = [
        ("search", {"search": args.query}),
        ("search_page10", {"search": args.query, "page": 10}),
        ("search_municipality", {"search": args.query, "municipality": busiest}),
        ("list", {}),
    ]
    for kind, params in kinds:
        times, queries, longest, total = timed(client, "/api/hsds/services", params, args.requests)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"api_search db={connection.vendor} services={Service.objects.count()} path={kind} "
            f"p50_ms={statistics.median(times):.1f} p95_ms={p95:.1f} queries={queries} "
            f"longest_sql_chars={longest} total={total}",
            flush=True,
        )


if __name__ == "__main__":
    main()
