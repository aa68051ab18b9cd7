"""Benchmark of ``vern tick`` with pathways (issue 12, "Performance").

Builds 5,000 open pathways with 100,000 open routine steps (bench/pathways_data.py) in
a fresh database, then times one ``vern tick`` (every job in ``VERN_TICK_JOBS``: the
routine engine's reminders and escalations, the warnings before protective orders end,
retention, and the other apps' jobs) and a second run right after it (which must find
nothing left to send).

    uv run python bench/tick.py                  # SQLite (a temporary file)
    uv run python bench/tick.py --db postgresql  # PostgreSQL database vern_bench_tick (or DATABASE_URL's)
    uv run python bench/tick.py --db all         # both
    uv run python bench/tick.py --profile        # also cProfile's top 25 of the first run

The last line per database is the summary other tools read:

    tick db=<sqlite|postgresql> steps=100000 seconds=<s>
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The PostgreSQL database (dropped and created): DATABASE_URL's, if it names one, else vern_bench_tick.
PG_NAME = (
    os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    if os.environ.get("DATABASE_URL", "").startswith("postgres")
    else "vern_bench_tick"
)


def run(db: str, profile: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    import pathways_data

    workdir = Path(tempfile.mkdtemp(prefix="vern-bench-tick-"))
    try:
        pathways_data.configure(db, workdir, PG_NAME)
        from django.core import mail
        from django.core.management import call_command
        from django.utils import timezone

        from vern.core.models import Step

        today = timezone.localdate()
        started = time.perf_counter()
        built = pathways_data.build(today)
        print(
            f"built pathways={built['pathways']} steps={built['steps']} "
            f"in {time.perf_counter() - started:.1f}s"
        )
        open_steps = Step.objects.for_system(reason="bench").filter(done_at__isnull=True).count()
        timings = []
        for run_number in (1, 2):
            mail.outbox = []
            output = io.StringIO()
            profiler = cProfile.Profile() if profile and run_number == 1 else None
            started, cpu = time.perf_counter(), time.process_time()
            with redirect_stdout(output):
                if profiler:
                    profiler.runcall(call_command, "tick")
                else:
                    call_command("tick")
            seconds = time.perf_counter() - started
            # This process's CPU time: on a shared machine, what the run cost without the
            # waiting for a core (PostgreSQL's own work is not in it).
            cpu = time.process_time() - cpu
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            timings.append(seconds)
            counts = " ".join(
                line.strip() for line in output.getvalue().splitlines() if line.strip()
            )
            print(
                f"run {run_number}: {seconds:.2f}s (cpu {cpu:.2f}s), "
                f"mails={len(mail.outbox)}; {counts}"
            )
        per_thousand = timings[0] / open_steps * 1000
        print(
            f"time per 1,000 open steps: {per_thousand * 1000:.1f} ms (first run), "
            f"{timings[1] / open_steps * 1000 * 1000:.1f} ms (second run)"
        )
        print(f"tick db={db} steps={open_steps} seconds={timings[0]:.2f}")
    finally:
        pathways_data.teardown(db, PG_NAME)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="sqlite")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    args = parser.parse_args()
    if args.db == "all":
        # One process per database: Django is set up once per process.
        for db in ("sqlite", "postgresql"):
            subprocess.run([sys.executable, __file__, "--db", db], check=True)  # noqa: S603 (this script)
        return
    run(args.db, args.profile)


if __name__ == "__main__":
    main()
