"""Demo data for prevention: Eksempelby's programmes in its kindergartens and schools
(with one visible gap), two years of introduction-programme figures, and two
partnerships. Added once: nothing changes if the demo municipality has any delivery or
partner. Dates are relative to the day the demo is loaded."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from vern.core.models import Municipality, Unit
from vern.prevention.models import (
    Activity,
    AgeGroup,
    Agreement,
    Delivery,
    IntroConversations,
    Partner,
    PartnerContact,
    Programme,
    UnitAgeGroups,
)

DEMO = "the demo loader: Eksempelby's prevention work"


@transaction.atomic
def load(municipality: Municipality) -> None:
    today = timezone.localdate()
    if not Delivery.objects.for_system(reason=DEMO).filter(municipality=municipality).exists():
        _programmes(municipality, today)
    if not Partner.objects.for_system(reason=DEMO).filter(municipality=municipality).exists():
        _partners(municipality, today)


def _programmes(municipality: Municipality, today) -> None:
    national = {
        p.name: p for p in Programme.objects.for_system(reason=DEMO).filter(municipality=None)
    }
    package, aeemae = national.get("Barnehagepakken"), national.get("Æ e mæ")
    if package is None or aeemae is None:
        return
    units = {
        u.name: u
        for u in Unit.objects.for_system(reason=DEMO).filter(
            municipality=municipality, kind__in=[Unit.Kind.KINDERGARTEN, Unit.Kind.SCHOOL]
        )
    }
    plan = [
        # Solsikken: both groups covered; Fjellstua: the youngest not (a visible gap).
        ("Solsikken barnehage", package, AgeGroup.KG_3_5, 60),
        ("Solsikken barnehage", aeemae, AgeGroup.KG_1_2, 200),
        ("Fjellstua barnehage", package, AgeGroup.KG_3_5, 120),
        ("Bakken skole", aeemae, AgeGroup.GS_1_4, 90),
        ("Bakken skole", aeemae, AgeGroup.GS_5_7, 150),
        ("Eksempelby ungdomsskole", aeemae, AgeGroup.GS_8_10, 500),  # stale: over a year
    ]
    for unit_name, programme, group, days_ago in plan:
        unit = units.get(unit_name)
        if unit is None:
            continue
        Delivery.objects.create(
            municipality=municipality,
            unit=unit,
            programme=programme,
            age_group=group,
            last_delivered_on=today - timedelta(days=days_ago),
        )
    # A primary school has years 1–7 and a lower secondary school years 8–10: the other
    # years are "no such age group" in the coverage, not gaps.
    for unit_name, groups in [
        ("Bakken skole", [AgeGroup.GS_1_4, AgeGroup.GS_5_7]),
        ("Eksempelby ungdomsskole", [AgeGroup.GS_8_10]),
    ]:
        unit = units.get(unit_name)
        if unit is not None:
            UnitAgeGroups.objects.create(
                municipality=municipality, unit=unit, age_groups=[g.value for g in groups]
            )
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for step in range(6):
        offered = 14 + step
        IntroConversations.objects.create(
            municipality=municipality,
            year=year,
            quarter=quarter,
            offered=offered,
            held=offered - (3 if step % 2 else 1),
        )
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _partners(municipality: Municipality, today) -> None:
    centre = Partner.objects.create(
        municipality=municipality,
        name="Eksempelby frivilligsentral",
        kind=Partner.Kind.NGO,
        description="Leksehjelp og aktiviteter for barn og familier; frivillige har fått opplæring i å se tegn på vold.",
    )
    Agreement.objects.create(
        municipality=municipality,
        partner=centre,
        title="Samarbeidsavtale om familieaktiviteter",
        content="Frivilligsentralen driver to familiekvelder i måneden; kommunen stiller lokaler.",
        starts_on=today - timedelta(days=700),
        ends_on=today + timedelta(days=40),
        grant_conditions="Tilskuddet forutsetter at alle frivillige tar kommunens kurs om vold og kontroll.",
    )
    PartnerContact.objects.create(
        partner=centre,
        name="Daglig leder (demo)",
        role="Daglig leder",
        email="post@frivilligsentral.example",
    )
    Activity.objects.create(
        municipality=municipality,
        partner=centre,
        held_on=today - timedelta(days=30),
        title="Temakveld om trygge familier",
        participants=34,
    )
    faith = Partner.objects.create(
        municipality=municipality,
        name="Eksempelby trossamfunnsråd",
        kind=Partner.Kind.FAITH,
        description="Møteplass for tros- og livssynssamfunnene i kommunen.",
    )
    Agreement.objects.create(
        municipality=municipality,
        partner=faith,
        title="Dialogmøter om negativ sosial kontroll",
        content="Fire dialogmøter i året med kommunens mangfoldsrådgiver.",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=530),
    )
    PartnerContact.objects.create(
        partner=faith,
        name="Leder av rådet (demo)",
        role="Leder",
        email="rad@trossamfunn.example",
    )
    Activity.objects.create(
        municipality=municipality,
        partner=faith,
        held_on=today - timedelta(days=75),
        title="Dialogmøte med mangfoldsrådgiveren",
        participants=18,
    )
