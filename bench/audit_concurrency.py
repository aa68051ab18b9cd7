"""Benchmark of the audit write under concurrent use (issue 10, "Audit for sensitive apps").

Every audit entry links to the one before it in its chain, so writers of one
chain take a lock (``pg_advisory_xact_lock``) and wait for each other. This
measures whether that lock limits throughput: the same work done by one
process and then by two at once, on PostgreSQL, in a fresh database.

    uv run python bench/audit_concurrency.py               # 10 s per phase
    uv run python bench/audit_concurrency.py --seconds 20

Two workloads, each run three times: by one process, by two processes at once
working for a municipality each (as two offices would), and by two at once in
the same municipality (so in the same chain, as every writer was before chains
per municipality):

- ``view``: what staff do. Nine in ten operations are GETs of a staff page
  that shows personal data (the user list, ``core:member_list``, through the
  whole Django stack: session, two-factor check, scoping, template), each
  leaving a read entry; one in ten is an audited write (``unit_update``, whose
  transaction takes the chain lock first and holds it to the end).
- ``log``: ``log_action`` back to back, nothing else: the chain at its limit.

The lock wait is measured around every ``pg_advisory_xact_lock`` statement
(a database execute wrapper), summed per operation. The last line is the
summary other tools read:

    audit_concurrency db=postgresql processes=2 workload=view entries_per_s_1=<a>
        entries_per_s_2=<b> entries_per_s_2_same=<c> p95_wait_ms_1=.. p95_wait_ms_2=..
        p95_wait_ms_2_same=.. wait_share_2=.. wait_share_2_same=.. ratio_same=<c/a>
        ratio=<b/a>

(on one line). ``wait_share`` is the share of the processes' time spent
waiting for a chain lock. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "vern_bench_audit"
WORKLOADS = ("log", "view")


def environment(workdir: Path) -> None:
    """Production-like settings (DEBUG off) on the bench database; the same in every process."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vern.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + os.urandom(24).hex(),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "VERN_DATA_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "VERN_LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    if "VERN_FERNET_KEYS" not in os.environ:
        from cryptography.fernet import Fernet

        os.environ["VERN_FERNET_KEYS"] = Fernet.generate_key().decode()
    # Every process signs with the same audit key (the parent makes it, workers inherit it).
    os.environ.setdefault("VERN_AUDIT_KEYS", "bench-" + os.urandom(24).hex())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)


# --- set-up (parent) ----------------------------------------------------------


def build() -> list[dict]:
    """Two municipalities, each with an administrator (two-factor set up), 30 members, 3 units."""
    from django.core.management import call_command

    from tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
    from vern.core.models import Municipality, Role, Unit

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    places = list(Municipality.objects.filter(is_demo=False).order_by("number")[:2])
    people = []
    for place in places:
        admin = UserFactory(email=f"admin@{place.number}.example")
        MembershipFactory(user=admin, municipality=place, role=Role.ADMIN)
        device = TOTPDeviceFactory(user=admin)
        for n in range(30):
            MembershipFactory(
                user=UserFactory(email=f"person{n}@{place.number}.example"),
                municipality=place,
                role=Role.CASE_WORKER,
            )
        for n in range(3):
            Unit.objects.create(municipality=place, kind=Unit.Kind.SCHOOL, name=f"Skole {n}")
        people.append({"municipality": place.pk, "user": admin.pk, "device": device.persistent_id})
    return people


# --- a worker process -----------------------------------------------------------


def work(*, workload: str, person: dict, seconds: float, start_at: float) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY

    from vern.audit.services import log_action
    from vern.core.models import Unit, User
    from vern.core.services import unit_update

    waited = [0.0]

    def time_the_chain_lock(execute, sql, params, many, context):
        if "pg_advisory_xact_lock" not in sql:
            return execute(sql, params, many, context)
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited[0] += time.perf_counter() - began

    user = User.objects.get(pk=person["user"])
    units = list(
        Unit.objects.for_system(reason="bench").filter(municipality_id=person["municipality"])
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = person["device"]
    session.save()
    url = reverse("core:member_list")
    assert client.get(url).status_code == 200

    waits: list[float] = []
    entries = 0
    with connection.execute_wrapper(time_the_chain_lock):
        while time.time() < start_at:
            time.sleep(0.001)
        began = time.perf_counter()
        end = began + seconds
        n = 0
        while time.perf_counter() < end:
            waited[0] = 0.0
            if workload == "log":
                log_action(
                    actor=user,
                    action="read",
                    code="core.membership.read",
                    object_type="core.membership",
                    municipality=person["municipality"],
                    detail={"path": "/bench/"},
                )
            elif n % 10 == 9:
                unit = units[n % len(units)]
                unit_update(unit=unit, actor=user, kind=unit.kind, name=f"Skole {n}")
            else:
                response = client.get(url)
                assert response.status_code == 200, response.status_code
            entries += 1
            n += 1
            waits.append(waited[0])
        wall = time.perf_counter() - began
    return {"entries": entries, "wall": wall, "waits": waits}


# --- the parent ---------------------------------------------------------------


def run_phase(workload: str, people: list[dict], seconds: float) -> dict:
    start_at = time.time() + 4  # time for every worker to set Django up
    workers = [
        subprocess.Popen(  # noqa: S603 (this script, with arguments it built)
            [
                sys.executable,
                __file__,
                "--worker",
                json.dumps(
                    {
                        "workload": workload,
                        "person": person,
                        "seconds": seconds,
                        "start_at": start_at,
                    }
                ),
            ],
            stdout=subprocess.PIPE,
            env=os.environ.copy(),
        )
        for person in people
    ]
    results = []
    for worker in workers:
        out, _ = worker.communicate()
        if worker.returncode:
            raise SystemExit(f"a worker failed ({worker.returncode})")
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    waits = sorted(w for r in results for w in r["waits"])
    entries = sum(r["entries"] for r in results)
    wall = max(r["wall"] for r in results)
    return {
        "processes": len(people),
        "entries": entries,
        "entries_per_s": entries / wall,
        "p50_wait_ms": 1000 * statistics.median(waits),
        "p95_wait_ms": 1000 * waits[int(0.95 * (len(waits) - 1))],
        "max_wait_ms": 1000 * waits[-1],
        "wait_share": sum(waits) / sum(r["wall"] for r in results),
    }


def describe(workload: str, phase: dict, label: str) -> str:
    return (
        f"  {workload:4} {label:27} entries={phase['entries']:6d} "
        f"entries/s={phase['entries_per_s']:7.1f} lock wait p50={phase['p50_wait_ms']:.2f} ms "
        f"p95={phase['p95_wait_ms']:.2f} ms max={phase['max_wait_ms']:.1f} ms "
        f"share of time waiting={100 * phase['wait_share']:.1f} %"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        environment(Path(os.environ["VERN_BENCH_DATA_DIR"]))
        print(json.dumps(work(**json.loads(args.worker))))
        return
    with tempfile.TemporaryDirectory(prefix="vern-bench-audit-") as tmp:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
        os.environ["VERN_BENCH_DATA_DIR"] = tmp
        try:
            environment(Path(tmp))
            from django.db import connections

            people = build()
            connections.close_all()
            print(f"audit_concurrency: PostgreSQL, {args.seconds:g} s per phase")
            summary = {}
            for workload in WORKLOADS:
                one = run_phase(workload, people[:1], args.seconds)
                print(describe(workload, one, "one process"), flush=True)
                two = run_phase(workload, people, args.seconds)
                print(describe(workload, two, "two, a municipality each"), flush=True)
                same = run_phase(workload, [people[0]] * 2, args.seconds)
                print(describe(workload, same, "two, the same municipality"), flush=True)
                summary[workload] = (one, two, same)

            from vern.audit.selectors import chains_in_log, verify_chain

            checked, problem = verify_chain()
            print(
                f"  vern audit verify: {checked} entries in {chains_in_log()} chains checked, "
                f"problem: {problem}"
            )
            connections.close_all()
            for workload in WORKLOADS:
                one, two, same = summary[workload]
                print(
                    f"audit_concurrency db=postgresql processes=2 workload={workload} "
                    f"entries_per_s_1={one['entries_per_s']:.1f} "
                    f"entries_per_s_2={two['entries_per_s']:.1f} "
                    f"entries_per_s_2_same={same['entries_per_s']:.1f} "
                    f"p95_wait_ms_1={one['p95_wait_ms']:.2f} p95_wait_ms_2={two['p95_wait_ms']:.2f} "
                    f"p95_wait_ms_2_same={same['p95_wait_ms']:.2f} "
                    f"wait_share_2={two['wait_share']:.3f} "
                    f"wait_share_2_same={same['wait_share']:.3f} "
                    f"ratio_same={same['entries_per_s'] / one['entries_per_s']:.2f} "
                    f"ratio={two['entries_per_s'] / one['entries_per_s']:.2f}"
                )
        finally:
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
