"""Demo data for plans: Eksempelby's adopted plan 2025–2028, with progress.

Created once: if the demo municipality has any plan at all, nothing changes.
The demo plan is not looked up by its title, because a person trying the demo
may have renamed it, moved its period, put it under revision or started a new
plan; loading the demo again must leave that work alone rather than add a
second plan that overlaps it. Dates are set relative to the day the demo is
first loaded, so the dashboard shows something overdue, something due soon and
something done.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vern.core.models import Membership, Municipality, Role, Unit
from vern.plans import services
from vern.plans.models import Area, Measure, Plan, PlanMeasure, Review

DEMO_TITLE = "Handlingsplan mot vold i nære relasjoner og negativ sosial kontroll"

# code, unit name, status, start offset (days from today), due offset, budget
CATALOGUE_MEASURES = [
    ("F1", "Kommunedirektørens stab", "done", -400, -200, 0),
    ("F2", "Kommunedirektørens stab", "in_progress", -300, 20, 50_000),
    ("F3", "Solsikken barnehage", "in_progress", -250, 120, 80_000),
    ("F5", "Helsestasjonen i Eksempelby", "not_started", 10, 200, 20_000),
    ("F6", "Kommunedirektørens stab", "in_progress", -100, 300, 30_000),
    ("F7", "Kommunedirektørens stab", "in_progress", -200, -10, 120_000),
    ("F8", "Barnevernstjenesten", "done", -380, -60, 40_000),
    ("F9", "Bakken skole", "in_progress", -150, 45, 0),
    ("B1", "Kommunedirektørens stab", "done", -365, -120, 650_000),
    ("B2", "Kommunedirektørens stab", "paused", -120, 240, 0),
    ("B3", "NAV Eksempelby", "in_progress", -90, 150, 200_000),
    ("B4", "Bakken skole", "in_progress", -60, 9, 0),
    ("B5", "Kommunedirektørens stab", "not_started", 30, 400, 0),
    ("U1", "Kommunedirektørens stab", "in_progress", -45, 100, 60_000),
    ("U3", "Kommunedirektørens stab", "in_progress", -200, 90, 300_000),
    ("U4", "NAV Eksempelby", "not_started", 60, 365, 150_000),
]

LOCAL_MEASURES = [
    (
        "Trygg hjem-uke på ungdomsskolen",
        Area.PREVENTION,
        "Eksempelby ungdomsskole",
        "in_progress",
        "Ei temauke hvert år der elevene lærer om grenser, kjærlighet og kontroll, med besøk fra krisesenteret og helsesykepleier.",
    ),
    (
        "Felles mottaksteam i Familiens hus",
        Area.PROTECTION,
        "Helsestasjonen i Eksempelby",
        "not_started",
        "Ett telefonnummer og ett team som tar imot familier med bekymring for vold og sender dem videre samme uke.",
    ),
]


# Deliberate omissions and national measures the municipality follows.
COVERAGE_NOTES = [
    (
        "F4",
        "none",
        "Tas inn ved revisjonen neste år, når kommunen har fått på plass en mangfoldsrådgiver.",
    ),
    (
        "U2",
        "none",
        "Omvendt voldsalarm avgjøres av påtalemyndigheten; kommunen melder behov gjennom samarbeidsavtalen med politiet.",
    ),
    ("F11", "follows", ""),
    ("F14", "follows", ""),
    ("B6", "follows", ""),
]


DEMO = "the demo loader"


def _unit(municipality: Municipality, name: str) -> Unit | None:
    return Unit.objects.filter(municipality=municipality, name=name).first()


@transaction.atomic
def load(municipality: Municipality) -> None:
    if Plan.objects.for_system(reason=DEMO).filter(municipality=municipality).exists():
        return
    coordinator = (
        Membership.objects.for_system(reason=DEMO)
        .filter(municipality=municipality, role=Role.COORDINATOR)
        .select_related("user")
        .first()
    )
    actor = coordinator.user
    today = timezone.localdate()
    start_year = today.year - 1
    plan = services.plan_create(
        municipality=municipality,
        actor=actor,
        title=DEMO_TITLE,
        start_year=start_year,
        end_year=start_year + 3,
    )
    services.plan_update(
        plan=plan,
        actor=actor,
        foreword=(
            "Vold i nære relasjoner rammer barn, kvinner og menn i alle deler av Eksempelby. "
            "Denne planen samler det kommunen skal gjøre de neste fire årene, hvem som har "
            "ansvaret, og hvordan vi følger med på om det virker."
        ),
        mandate="Kommunestyret ba kommunedirektøren legge fram en samlet plan (sak 2024/88).",
        working_group="Voldskoordinator, barnevern, helsestasjon, NAV, skole, barnehage og politiets forebyggende enhet.",
        reference_group="Krisesenteret i regionen, familievernkontoret, frivillige organisasjoner og ungdomsrådet.",
        population=14_800,
        prevalence=(
            "Ut fra nasjonale undersøkelser regner vi med at flere hundre innbyggere hvert år "
            "opplever vold fra en de står nær, og at mange barn lever med det."
        ),
        existing_services="Krisesenter (interkommunalt), familievernkontor, helsestasjon, legevakt og sinnemestring.",
        cooperation="Samarbeidsavtale med politiet og krisesenteret; konsultasjonsteam for barn.",
        competence="Om lag halvparten av de ansatte i førstelinjen har fått opplæring i avvergeplikt.",
        focus_areas="1. Tidlig innsats i barnehage og skole. 2. Rask og samordnet hjelp. 3. Tilbud til den som utøver vold.",
        goals="Alle ansatte i førstelinjen har opplæring innen 2027. Ventetid til første samtale under to uker.",
    )
    for code, unit_name, status, start, due, budget in CATALOGUE_MEASURES:
        services.plan_measure_add(
            plan=plan,
            actor=actor,
            measure=Measure.objects.catalogue().get(code=code),
            description="",
            responsible_unit=_unit(municipality, unit_name),
            responsible_person=actor if code in {"F1", "F2", "F7", "B1"} else None,
            start_on=today + timedelta(days=start),
            due_on=today + timedelta(days=due),
            budget_nok=budget,
            status=status,
            status_reason="Venter på avklaring av budsjett." if status == "paused" else "",
        )
    for title, area, unit_name, status, summary in LOCAL_MEASURES:
        measure = services.local_measure_create(
            municipality=municipality, actor=actor, title=title, area=area, summary=summary
        )
        services.plan_measure_add(
            plan=plan,
            actor=actor,
            measure=measure,
            description=summary,
            responsible_unit=_unit(municipality, unit_name),
            start_on=today - timedelta(days=30),
            due_on=today + timedelta(days=250),
            budget_nok=25_000,
            status=status,
        )
    _add_progress(plan, actor, today)
    for code, coverage, reason in COVERAGE_NOTES:
        services.coverage_set(
            plan=plan,
            actor=actor,
            measure=Measure.objects.catalogue().get(code=code),
            coverage=coverage,
            reason=reason,
        )
    services.plan_set_status(
        plan=plan,
        actor=actor,
        status=Plan.Status.ADOPTED,
        adopted_on=date(start_year, 3, 14),
        case_reference=f"{start_year}/112",
    )
    # Nine months ago: after the adoption, and the next one (six months on) is overdue.
    _add_first_review(plan, actor, held_on=today - timedelta(days=270))


def _add_first_review(plan: Plan, actor, *, held_on: date) -> None:
    """The first six-monthly review, a goal sharpened after it, and a version
    saved then, so the demo has a review to read and two versions to compare.
    The next review, six months later, is still overdue."""
    items = []
    for pm in plan.measures.select_related("measure"):
        started = pm.status != PlanMeasure.Status.NOT_STARTED
        as_planned = pm.status not in PlanMeasure.NEEDS_REASON
        items.append(
            {
                "plan_measure": pm,
                "started": started,
                "as_planned": as_planned,
                "not_done": "" if as_planned else "Oppstarten er skjøvet til neste budsjettår.",
                "why": "" if as_planned else (pm.status_reason or "Budsjettet er ikke avklart."),
            }
        )
    services.review_record(
        plan=plan,
        actor=actor,
        kind=Review.Kind.HALF_YEAR,
        held_on=held_on,
        summary=(
            "Ressursgruppa gikk gjennom alle tiltakene. Opplæringen går som planlagt; "
            "tiltaket om digital vold venter på budsjett."
        ),
        items=items,
    )
    services.plan_update(
        plan=plan,
        actor=actor,
        goals=(
            "Alle ansatte i førstelinjen har opplæring innen 2027. Ventetid til første samtale "
            "under to uker. Minst fire av fem skoler har hatt Trygg hjem-uke innen utgangen av "
            "planperioden."
        ),
    )
    services.version_save(plan=plan, actor=actor, label="Etter første halvårsgjennomgang")


def _add_progress(plan: Plan, actor, today: date) -> None:
    f7 = plan.measures.get(measure__code="F7")
    indicator = services.indicator_add(
        plan_measure=f7,
        actor=actor,
        name="Andel ansatte i førstelinjen med opplæring i avvergeplikt",
        unit="%",
        baseline=Decimal("35"),
        target=Decimal("90"),
    )
    for days_ago, value in ((330, 38), (240, 47), (150, 55), (60, 61)):
        services.measurement_add(
            indicator=indicator,
            actor=actor,
            measured_on=today - timedelta(days=days_ago),
            value=Decimal(value),
        )
    services.milestone_add(
        plan_measure=f7,
        actor=actor,
        title="Fagdag for alle skoler",
        due_on=today - timedelta(days=90),
    )
    services.note_add(
        plan_measure=f7,
        actor=actor,
        text="Kurset for barnehagene er gjennomført. Skolene mangler fortsatt to av fem.",
    )
    b4 = plan.measures.get(measure__code="B4")
    services.milestone_add(
        plan_measure=b4,
        actor=actor,
        title="Rutine vedtatt i oppvekstutvalget",
        due_on=today + timedelta(days=9),
    )
    b3 = plan.measures.get(measure__code="B3")
    waits = services.indicator_add(
        plan_measure=b3,
        actor=actor,
        name="Dager fra henvendelse til første samtale (median)",
        unit="dager",
        baseline=Decimal("21"),
        target=Decimal("10"),
    )
    for days_ago, value in ((200, 19), (100, 15), (20, 12)):
        services.measurement_add(
            indicator=waits,
            actor=actor,
            measured_on=today - timedelta(days=days_ago),
            value=Decimal(value),
        )
