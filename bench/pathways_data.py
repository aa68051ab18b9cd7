"""Shared set-up of bench/tick.py and bench/dashboard.py: a fresh, production-like
database with one municipality holding 5,000 open pathways and 100,000 open routine
steps in a steady state (every notice due before today already sent, as after a
daily ``vern tick``), protective orders and release follow-ups. Seeded, so every run
builds the same data."""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PATHWAYS = int(os.environ.get("BENCH_PATHWAYS", "5000"))
STEPS_PER_PATHWAY = 20
WORKERS = 60


def configure(db: str, workdir: Path, pg_name: str) -> None:
    """Production-like settings (DEBUG off) on a fresh database, migrated."""
    from cryptography.fernet import Fernet

    if db == "postgresql":
        database_url = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
        pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {pg_name}")
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vern.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "VERN_FERNET_KEYS": Fernet.generate_key().decode(),
            "VERN_AUDIT_KEYS": "bench-audit-" + Fernet.generate_key().decode(),
            "SECURE_SSL_REDIRECT": "false",
            "VERN_DATA_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "VERN_LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)


def teardown(db: str, pg_name: str) -> None:
    from django.db import connections

    connections.close_all()
    if db == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")


def build(today: date, *, seed: int = 12) -> dict:
    """The municipality's people and pathways; returns the coordinator and counts."""
    from django.db import transaction

    from vern.core import calendar
    from vern.core.models import Membership, Municipality, RecordAccess, Role, Step, User
    from vern.core.routines import routine_settings, rung_due
    from vern.pathways.models import (
        AREAS,
        Need,
        Pathway,
        ProtectiveOrder,
        ReleaseFollowUp,
    )

    rng = random.Random(seed)  # noqa: S311 (seeded test data)
    municipality = Municipality.objects.order_by("number").first()
    coordinator = User.objects.create_user(email="koordinator@bench.example", full_name="Kari K")
    Membership.objects.for_system(reason="bench").create(
        user=coordinator, municipality=municipality, role=Role.COORDINATOR
    )
    workers = []
    for n in range(WORKERS):
        user = User.objects.create_user(
            email=f"sb{n}@bench.example", full_name=f"Saksbehandler {n}"
        )
        Membership.objects.for_system(reason="bench").create(
            user=user, municipality=municipality, role=Role.CASE_WORKER
        )
        workers.append(user)
    timing = routine_settings(municipality.pk)
    # The last tick ran on the working day before the last working day up to today, so
    # this run has one working day's reminders, escalations and warnings to send.
    last_working = today if calendar.is_working_day(today) else calendar.add_working_days(today, -1)
    yesterday = calendar.add_working_days(last_working, -1)
    stages = ["contact", "assessment", "delivery"]
    with transaction.atomic():
        pathways = Pathway.objects.for_system(reason="bench").bulk_create(
            Pathway(
                municipality=municipality,
                kind="victim" if n % 5 else "perpetrator",
                number=f"{today.year}-{n + 1:05d}",
                journal_number=f"{today.year}/{10000 + n}",
                initials="AB",
                birth_year=1950 + n % 60,
                priority="high" if n % 7 == 0 else "normal",
                stage=stages[n % 3],
                responsible=workers[n % WORKERS],
                coordinator=coordinator,
                notes="Notat om forløpet.",
                opened_on=today - timedelta(days=rng.randint(0, 300)),
                opened_by=workers[n % WORKERS],
                first_contact_on=None if n % 3 == 0 else today - timedelta(days=5),
                assessed_on=(today - timedelta(days=rng.randint(0, 200))) if n % 3 == 2 else None,
            )
            for n in range(PATHWAYS)
        )
        Need.objects.for_system(reason="bench").bulk_create(
            Need(pathway=p, municipality=municipality, area=area)
            for p in pathways
            for area in AREAS[p.kind]
        )
        RecordAccess.objects.for_system(reason="bench").bulk_create(
            RecordAccess(
                municipality=municipality,
                record_type="pathways.pathway",
                record_id=str(p.pk),
                user=p.responsible,
                kind="responsible",
            )
            for p in pathways
        )
        # Working days from 40 before today to 180 after it, counted once.
        start = calendar.add_working_days(today, -40)
        working = [start]
        while len(working) < 221:
            working.append(calendar.next_working_day(working[-1]))
        steps = []
        for p in pathways:
            for k in range(STEPS_PER_PATHWAY):
                # Due dates from 40 working days past to 180 ahead: most open steps lie ahead.
                due = working[rng.randint(0, 220)]
                step = Step(
                    municipality=municipality,
                    routine="pathways.delivery",
                    code=f"delivery_{k}",
                    title=f"Hjelp med bolig ({p.number})",
                    subject_type="pathways.pathway",
                    subject_id=str(p.pk),
                    link=f"/ansatt/forlop/{p.pk}/",
                    responsible_user=p.responsible,
                    leader=coordinator,
                    start_on=min(due, today) - timedelta(days=14),
                    due_on=due,
                )
                # The steady state: yesterday's tick sent every rung due by then.
                step.rung = rung_due(step, timing, yesterday)
                steps.append(step)
        Step.objects.for_system(reason="bench").bulk_create(steps, batch_size=2000)
        ProtectiveOrder.objects.for_system(reason="bench").bulk_create(
            ProtectiveOrder(
                pathway=p,
                municipality=municipality,
                type="visiting_ban",
                imposed_by="police",
                starts_on=today - timedelta(days=90),
                ends_on=(end := today + timedelta(days=rng.randint(-30, 300))),
                warned_for=end if end <= yesterday + timedelta(days=14) else None,
                created_by=coordinator,
            )
            for p in pathways
        )
        ReleaseFollowUp.objects.for_system(reason="bench").bulk_create(
            ReleaseFollowUp(
                pathway=p,
                municipality=municipality,
                type="release",
                expected_on=today + timedelta(days=rng.randint(10, 200)),
                notice_on=today - timedelta(days=10),
                opens_on=today,
                responsible=p.responsible,
                created_by=coordinator,
            )
            for p in pathways[::10]
        )
    return {
        "municipality": municipality,
        "coordinator": coordinator,
        "pathways": len(pathways),
        "steps": len(steps),
    }
