"""Reads of the prevention app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from vern.core.models import Municipality, Unit
from vern.prevention.models import (
    AGE_GROUPS_BY_KIND,
    AgeGroup,
    Agreement,
    Delivery,
    Programme,
    UnitAgeGroups,
    unit_groups,
)

PUBLIC = "the programme catalogue is public"
TICK = "vern tick: agreement end reminders"
# A programme delivered longer ago than this no longer covers its age group.
FRESH_DAYS = 365
AGREEMENT_NOTICE_DAYS = 60


def public_programmes():
    """The national programmes and every municipality's own, for the public catalogue."""
    return (
        Programme.objects.for_system(reason=PUBLIC).select_related("municipality").order_by("name")
    )


def programmes_for(*, user, municipality: Municipality):
    """Programmes a municipality can choose: the national ones and its own."""
    return (
        Programme.objects.for_system(reason=PUBLIC)
        .filter(Q(municipality__isnull=True) | Q(municipality=municipality))
        .order_by("name")
    )


@dataclass(frozen=True)
class Cell:
    state: str  # "covered", "stale", "gap" or "none" (no such age group at the unit)
    programmes: tuple[str, ...] = ()
    last: date | None = None


def coverage_matrix(*, user, municipality: Municipality, today: date):
    """Institutions (kindergartens, schools) × age groups: covered when a programme was
    delivered to the group within the last year, stale when only longer ago, a gap when
    nothing is recorded, and "none" where the unit has no such group (its recorded age
    groups, else every group of its kind). Three queries."""
    units = list(
        Unit.objects.for_user(user, municipality=municipality)
        .filter(kind__in=list(AGE_GROUPS_BY_KIND))
        .order_by("kind", "name")
    )
    deliveries = (
        Delivery.objects.for_user(user, municipality=municipality)
        .select_related("programme")
        .filter(unit__in=units)
    )
    chosen = {
        row.unit_id: row
        for row in UnitAgeGroups.objects.for_user(user, municipality=municipality).filter(
            unit__in=units
        )
    }
    found: dict[tuple[int, str], list[Delivery]] = {}
    for delivery in deliveries:
        found.setdefault((delivery.unit_id, delivery.age_group), []).append(delivery)
    fresh_from = today - timedelta(days=FRESH_DAYS)
    rows, gaps = [], 0
    for unit in units:
        cells = []
        has = unit_groups(unit, chosen.get(unit.pk))
        for group in AgeGroup:
            if group.value not in has:
                cells.append(Cell("none"))
                continue
            here = found.get((unit.pk, group.value), [])
            dates = [d.last_delivered_on for d in here if d.last_delivered_on]
            last = max(dates) if dates else None
            names = tuple(sorted({d.programme.name for d in here}))
            if last and last >= fresh_from:
                cells.append(Cell("covered", names, last))
            elif here:
                cells.append(Cell("stale", names, last))
                gaps += 1
            else:
                cells.append(Cell("gap"))
                gaps += 1
        rows.append({"unit": unit, "cells": cells, "confirmed": unit.pk in chosen})
    return rows, list(AgeGroup), gaps


def deliveries(*, user, municipality: Municipality):
    """Every recorded delivery, by institution, for the list beneath the matrix."""
    return (
        Delivery.objects.for_user(user, municipality=municipality)
        .select_related("unit", "programme")
        .order_by("unit__name", "age_group", "programme__name")
    )


def agreements_ending(*, today: date):
    """Agreements ending within 60 days (or ended in the last 60) not yet reminded."""
    return (
        Agreement.objects.for_system(reason=TICK)
        .select_related("partner")
        .filter(
            ends_on__gte=today - timedelta(days=AGREEMENT_NOTICE_DAYS),
            ends_on__lte=today + timedelta(days=AGREEMENT_NOTICE_DAYS),
        )
    )
