"""Demo data for competence: Eksempelby's courses, 200 staff with completions (some
expired, some running out), and last autumn's professional day.

Added once: if the demo municipality has any course, nothing changes. Dates are set
relative to the day the demo is loaded, and the "random" spread is seeded, so every
load gives the same picture.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from vern.competence.models import (
    Attendance,
    Completion,
    ConversationCount,
    Course,
    Employee,
    ProfessionalDay,
)
from vern.competence.selectors import last_quarters
from vern.competence.services import expiry_for
from vern.core.models import Municipality, Unit

DEMO = "the demo loader: Eksempelby's training records"

COURSES = [
    # code, title, topic, months, kinds (empty: all)
    ("AVV-01", "Avvergingsplikten i praksis", Course.Topic.DUTY_TO_AVERT, 24, []),
    (
        "OPP-01",
        "Opplysningsplikt til barnevernstjenesten",
        Course.Topic.DUTY_TO_INFORM,
        24,
        ["school", "kindergarten", "health_station", "nav"],
    ),
    ("TAU-01", "Taushetsplikt og når den viker", Course.Topic.CONFIDENTIALITY, 36, []),
    ("VOL-01", "Vold og kontroll i nære relasjoner – grunnkurs", Course.Topic.VIOLENCE, 12, []),
    (
        "RET-01",
        "Rettighetene til den som er utsatt for vold",
        Course.Topic.VICTIMS_RIGHTS,
        None,
        ["nav", "child_welfare", "health_station"],
    ),
    (
        "NSK-01",
        "Æresrelatert vold og negativ sosial kontroll",
        Course.Topic.HONOUR,
        24,
        ["school", "nav", "health_station", "child_welfare"],
    ),
    ("SPO-01", "Å spørre om vold", Course.Topic.ASKING, 12, ["health_station", "school"]),
]
STAFF_PER_KIND = {
    "administration": 12,
    "school": 45,
    "kindergarten": 20,
    "health_station": 18,
    "nav": 25,
    "child_welfare": 15,
}
FIRST = [
    "Anne",
    "Bjørn",
    "Camilla",
    "Dag",
    "Eli",
    "Fredrik",
    "Guro",
    "Hassan",
    "Ingrid",
    "Jonas",
    "Kari",
    "Lars",
    "Maja",
    "Nils",
    "Oda",
    "Per",
    "Ragnhild",
    "Sander",
    "Tone",
    "Ulrik",
    "Vilde",
    "Amina",
    "Piotr",
    "Olena",
    "Mads",
]
LAST = [
    "Aas",
    "Berg",
    "Dahl",
    "Eide",
    "Fjeld",
    "Haugen",
    "Lie",
    "Moen",
    "Nilsen",
    "Olsen",
    "Rød",
    "Strand",
    "Tangen",
    "Vik",
    "Ali",
    "Nowak",
    "Kovalenko",
    "Sæther",
]


@transaction.atomic
def load(municipality: Municipality) -> None:
    if not Course.objects.for_system(reason=DEMO).filter(municipality=municipality).exists():
        _training(municipality)
    if (
        not ConversationCount.objects.for_system(reason=DEMO)
        .filter(municipality=municipality)
        .exists()
    ):
        _conversations(municipality)


# unit kind -> settings whose conversations it holds
CONVERSATIONS = {
    "health_station": ["health_station", "school_nurse"],
    "school": ["teacher_pupil"],
    "nav": ["staff_appraisal"],
}


def _conversations(municipality: Municipality) -> None:
    """Four quarters of figures, rising as the routine settles in."""
    rng = random.Random(4)  # noqa: S311 (a seeded spread of demo figures, not a secret)
    quarters = last_quarters(timezone.localdate())
    for unit in Unit.objects.for_system(reason=DEMO).filter(municipality=municipality):
        for setting in CONVERSATIONS.get(unit.kind, []):
            for step, (year, quarter) in enumerate(quarters):
                ConversationCount.objects.create(
                    municipality=municipality,
                    unit=unit,
                    setting=setting,
                    year=year,
                    quarter=quarter,
                    held=rng.randint(8, 20) + 6 * step,
                )


def _training(municipality: Municipality) -> None:
    today = timezone.localdate()
    rng = random.Random(9999)  # noqa: S311 (a seeded spread of demo dates, not a secret)
    courses = []
    for code, title, topic, months, kinds in COURSES:
        courses.append(
            Course.objects.create(
                municipality=municipality,
                code=code,
                title=title,
                topic=topic,
                validity_months=months,
                target_kinds=kinds,
                description="Kurs i kommunens læringsplattform (demodata).",
            )
        )
    units = list(Unit.objects.for_system(reason=DEMO).filter(municipality=municipality))
    by_kind: dict[str, list[Unit]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(unit)
    employees = []
    number = 0
    for kind, count in STAFF_PER_KIND.items():
        kind_units = by_kind.get(kind, [])
        for index in range(count if kind_units else 0):
            number += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            employees.append(
                Employee(
                    municipality=municipality,
                    unit=kind_units[index % len(kind_units)],
                    full_name=f"{first} {last}",
                    employee_number=f"E{number:04d}",
                    email=f"ansatt{number:04d}@eksempelby.example",
                    front_line=kind != "administration",
                )
            )
    # Fill up to 200 with front-line staff at the schools (the largest workplaces).
    schools = by_kind.get("school") or units
    while len(employees) < 200:
        number += 1
        employees.append(
            Employee(
                municipality=municipality,
                unit=schools[number % len(schools)],
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                employee_number=f"E{number:04d}",
                email=f"ansatt{number:04d}@eksempelby.example",
            )
        )
    Employee.objects.bulk_create(employees)
    employees = list(
        Employee.objects.for_system(reason=DEMO)
        .filter(municipality=municipality)
        .select_related("unit")
    )
    completions = []
    for employee in employees:
        for course in courses:
            if not course.targets(employee.unit.kind) or rng.random() < 0.25:
                continue  # a quarter never took it
            # Completed between 1 and 30 months ago: with 12- and 24-month courses some
            # have expired and some run out within weeks.
            completed_on = today - timedelta(days=rng.randint(20, 900))
            completions.append(
                Completion(
                    employee=employee,
                    course=course,
                    completed_on=completed_on,
                    expires_on=expiry_for(course, completed_on),
                    source=Completion.Source.IMPORT,
                )
            )
    Completion.objects.bulk_create(completions)
    basic = courses[3]
    day = ProfessionalDay.objects.create(
        municipality=municipality,
        title="Voldsuka i Eksempelby",
        held_on=today - timedelta(days=45),
        course=basic,
        programme=(
            "08.30 Velkommen ved kommunedirektøren\n"
            "09.00 Hva er vold og kontroll i nære relasjoner?\n"
            "10.30 Avvergingsplikt, opplysningsplikt og taushetsplikt – kasus i grupper\n"
            "12.30 Slik jobber konsultasjonsteamet\n"
            "14.00 Å spørre om vold: øvelser\n"
            "15.00 Oppsummering og evaluering"
        ),
    )
    present = [e for e in employees if e.front_line and rng.random() < 0.45]
    Attendance.objects.bulk_create([Attendance(day=day, employee=e) for e in present])
    done = set(
        Completion.objects.for_system(reason=DEMO)
        .filter(course=basic, completed_on=day.held_on)
        .values_list("employee_id", flat=True)
    )
    Completion.objects.bulk_create(
        [
            Completion(
                employee=e,
                course=basic,
                completed_on=day.held_on,
                expires_on=expiry_for(basic, day.held_on),
                source=Completion.Source.PROFESSIONAL_DAY,
            )
            for e in present
            if e.pk not in done
        ]
    )
