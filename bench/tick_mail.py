"""Benchmark of ``vern tick``'s digests (issue 15, item 7): 6,000 notices due in one run.

Builds, in a fresh production-like database (``bench/pathways_data.configure``), one
municipality with 300 case workers and 6,000 open routine steps whose reminder falls due
today (20 per person, each person the responsible of their own), then times one
``vern tick`` with Django's locmem mail backend: every step is claimed, each person gets
ONE mail listing their 20 reminders, all sent over one connection, and each notice gets
its in-app notification and audit entry. A second run right after must send nothing.

    uv run python bench/tick_mail.py                  # SQLite (a temporary file)
    uv run python bench/tick_mail.py --db postgresql  # PostgreSQL (DATABASE_URL's database,
                                                      # else vern_bench_tick_mail; dropped)
    uv run python bench/tick_mail.py --db all         # both
    uv run python bench/tick_mail.py --profile        # also cProfile's top 30 of the first run

The last line per database is the summary other tools read:

    tick_mail db=<sqlite|postgresql> notices=<n> seconds=<s>
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
NOTICES = int(os.environ.get("BENCH_NOTICES", "6000"))
PEOPLE = 300
PG_NAME = (
    os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    if os.environ.get("DATABASE_URL", "").startswith("postgres")
    else "vern_bench_tick_mail"
)


def build(today) -> int:
    from django.db import transaction

    from vern.core.models import Membership, Municipality, Role, Step, User

    municipality = Municipality.objects.order_by("number").first()
    people = []
    with transaction.atomic():
        for n in range(PEOPLE):
            user = User.objects.create_user(email=f"p{n}@bench.example", full_name=f"Person {n}")
            Membership.objects.for_system(reason="bench").create(
                user=user, municipality=municipality, role=Role.CASE_WORKER
            )
            people.append(user)
        # Due today: the reminder (one working day before) has fallen due, the
        # escalation to the leader (one working day after) has not.
        Step.objects.for_system(reason="bench").bulk_create(
            (
                Step(
                    municipality=municipality,
                    routine="pathways.delivery",
                    code=f"step_{n}",
                    title=f"Hjelp med bolig ({n})",
                    subject_type="pathways.pathway",
                    subject_id=str(n),
                    link=f"/ansatt/forlop/{n}/",
                    responsible_user=people[n % PEOPLE],
                    start_on=today,
                    due_on=today,
                )
                for n in range(NOTICES)
            ),
            batch_size=2000,
        )
    return NOTICES


def run(db: str, profile: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    import pathways_data

    workdir = Path(tempfile.mkdtemp(prefix="vern-bench-tick-mail-"))
    try:
        pathways_data.configure(db, workdir, PG_NAME)
        from django.core import mail
        from django.core.management import call_command
        from django.utils import timezone

        from vern.core.models import Notification, Step

        today = timezone.localdate()
        notices = build(today)
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
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            timings.append(seconds)
            counts = " ".join(
                line.strip()
                for line in output.getvalue().splitlines()
                if "send_step_notices" in line or line.startswith("digest")
            )
            items = sum(m.body.count("\n* ") for m in mail.outbox)
            print(
                f"run {run_number}: {seconds:.2f}s (cpu {cpu:.2f}s), mails={len(mail.outbox)} "
                f"listing {items} notices; {counts}"
            )
        reminded = Step.objects.for_system(reason="bench").filter(rung=Step.Rung.REMINDED).count()
        shown = Notification.objects.for_system(reason="bench").count()
        print(f"steps reminded={reminded} notifications={shown}")
        print(f"tick_mail db={db} notices={notices} seconds={timings[0]:.2f}")
    finally:
        pathways_data.teardown(db, PG_NAME)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="sqlite")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    args = parser.parse_args()
    if args.db == "all":
        for db in ("sqlite", "postgresql"):
            subprocess.run([sys.executable, __file__, "--db", db], check=True)  # noqa: S603 (this script)
        return
    run(args.db, args.profile)


if __name__ == "__main__":
    main()
