"""Demo data for pathways: Eksempelby's pathways in every stage.

Created once: if the demo municipality has any pathway, nothing changes. Dates
are set relative to the day the demo is loaded, so there is always an overdue
step, a visiting ban ending in 10 days and a release in 6 weeks. Every person
named is a demo user; journal numbers and initials are made up.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from vern.core import calendar
from vern.core.models import Membership, Municipality, Role, User
from vern.directory import selectors as directory
from vern.pathways import services
from vern.pathways.models import Pathway

DEMO = "the demo loader"


def _person(municipality: Municipality, role: str) -> User | None:
    membership = (
        Membership.objects.for_system(reason=DEMO)
        .filter(municipality=municipality, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _back(today, working_days: int):
    return calendar.add_working_days(today, -working_days)


@transaction.atomic
def load(municipality: Municipality) -> None:
    if Pathway.objects.for_system(reason=DEMO).filter(municipality=municipality).exists():
        return
    worker = _person(municipality, Role.CASE_WORKER)
    coordinator = _person(municipality, Role.COORDINATOR)
    if worker is None or coordinator is None:
        return
    today = timezone.localdate()

    def open_(kind, priority, opened, journal, initials, year, notes=""):
        return services.pathway_open(
            municipality=municipality,
            actor=worker,
            kind=kind,
            journal_number=journal,
            priority=priority,
            responsible=worker,
            coordinator=coordinator,
            initials=initials,
            birth_year=year,
            notes=notes,
            today=opened,
        )

    # 1. Waiting for first contact, opened a week ago: its steps are overdue.
    open_("victim", "normal", _back(today, 5), "2025/4411", "SL", 1979)

    # 2. High priority, opened yesterday: contact made, three areas assessed.
    opened = _back(today, 1)
    second = open_("victim", "high", opened, "2025/4502", "AM", 2001, "Ønsker kontakt på SMS.")
    services.first_contact_record(pathway=second, actor=worker, on=opened, today=today)
    for area, assessment in (("health", "needed"), ("legal", "needed"), ("economic", "not_needed")):
        services.need_assess(
            pathway=second, actor=worker, area=area, assessment=assessment, note="", today=today
        )

    # 3. Delivering help: consent, every area assessed, help planned, a referral, and a
    #    visiting ban ending in ten days.
    opened = _back(today, 12)
    third = open_("victim", "normal", opened, "2025/4237", "KN", 1988)
    services.first_contact_record(pathway=third, actor=worker, on=_back(today, 11), today=today)
    services.consent_record(
        pathway=third,
        actor=worker,
        given_on=_back(today, 11),
        today=today,
        areas=["legal", "housing", "protection", "social"],
        share_initials=False,
        share_needs=True,
        share_contact=True,
    )
    answers = {
        "health": "not_needed",
        "social": "needed",
        "economic": "declined",
        "legal": "needed",
        "housing": "needed",
        "protection": "needed",
    }
    for area, assessment in answers.items():
        services.need_assess(
            pathway=third, actor=worker, area=area, assessment=assessment, note="", today=today
        )
    services.delivery_add(
        pathway=third,
        actor=worker,
        area="housing",
        task="Søknad om kommunal utleiebolig, sendt sammen med personen.",
        person=worker,
        due=today + timedelta(days=7),
        today=today,
    )
    services.delivery_add(
        pathway=third,
        actor=worker,
        area="protection",
        task="Avtale om voldsalarm følges opp med politiet.",
        person=coordinator,
        due=today + timedelta(days=3),
        today=today,
    )
    offered = directory.referable_services(municipality)
    service = next((s for s in offered if directory.service_needs_referral(s)), offered.first())
    if service is not None:
        services.referral_create(
            pathway=third, actor=worker, service=service, area="legal", today=today
        )
    services.order_add(
        pathway=third,
        actor=worker,
        type="visiting_ban_home",
        imposed_by="police",
        starts_on=today - timedelta(days=18),
        ends_on=today + timedelta(days=10),
    )

    # 4. The person who used violence, linked to the third (only coordinators see it), with
    #    a release from prison in six weeks.
    fourth = open_("perpetrator", "normal", _back(today, 3), "2025/4238", "", None)
    services.pathway_link_set(pathway=fourth, actor=coordinator, other=third)
    services.release_open(
        pathway=fourth,
        actor=worker,
        type="release",
        expected_on=today + timedelta(weeks=6),
        notice_on=today,
        responsible=worker,
        today=today,
    )

    # 5. Closed after the help was given.
    fifth = open_("victim", "normal", _back(today, 60), "2025/3890", "TR", 1965)
    services.first_contact_record(pathway=fifth, actor=worker, on=_back(today, 60), today=today)
    for area in fifth.areas:
        services.need_assess(
            pathway=fifth, actor=worker, area=area, assessment="not_needed", note="", today=today
        )
    services.pathway_close(pathway=fifth, actor=worker, outcome="completed")
