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

PATHWAYS = int(os.environ.get("BENCH_PATHWAYS", "5000"))
STEPS_PER_PATHWAY = 20
WORKERS = 60


def configure(db: str, workdir: Path, pg_name: str) -> None:
    """Production-like settings on a fresh database, migrated: guide_search.py's set-up."""
    import guide_search

    guide_search.configure(db, workdir, pg_name)


def teardown(db: str, pg_name: str) -> None:
    import guide_search

    guide_search.teardown(db, pg_name)


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
    from vern.pathways.models.orders import order_length

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
        for p in pathways:
            if p.assessed_on is not None:  # as services.need_assess stores it
                p.assessed_working_days = max(
                    calendar.working_days_between(p.opened_on, p.assessed_on), 0
                )
        Pathway.objects.for_system(reason="bench").bulk_update(
            [p for p in pathways if p.assessed_on is not None],
            ["assessed_working_days"],
            batch_size=500,
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
        # Types and start dates from their own generator, so the end dates (and so the
        # tick's warnings) are the same as before they varied.
        order_rng = random.Random(seed + 1)  # noqa: S311 (seeded test data)
        types = [t for t, _label in ProtectiveOrder.Type.choices]
        orders = []
        for n, p in enumerate(pathways):
            end = today + timedelta(days=rng.randint(-30, 300))
            start = min(today, end) - timedelta(days=order_rng.randint(0, 200))
            orders.append(
                ProtectiveOrder(
                    pathway=p,
                    municipality=municipality,
                    type=types[n % len(types)],
                    imposed_by="police" if n % 3 else "court",
                    starts_on=start,
                    ends_on=end,
                    length_days=order_length(start, end),
                    warned_for=end if end <= yesterday + timedelta(days=14) else None,
                    created_by=coordinator,
                )
            )
        ProtectiveOrder.objects.for_system(reason="bench").bulk_create(orders)
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
