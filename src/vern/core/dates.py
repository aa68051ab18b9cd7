"""Dates and numbers as people read them: the one way Vern shows them.

A date is "6. desember 2026" in bokmål and nynorsk and "6 December 2026" in
English (the formats live in ``vern.formats``; Django's month names and the
other guide languages' own formats do the rest). A time of day goes after the
date: "6. desember 2026 kl. 14:30". A number in prose has the page language's
decimal sign: "12,5" in Norwegian. Use these helpers in Python and the filters
``long_date``, ``long_datetime`` and ``prose_number`` in templates (they are
template built-ins); never ``|date:"..."``, ``strftime`` or ``isoformat()`` in
anything a person reads. SVG coordinates and other machine attributes do not go
through here: they keep a dot (``vern.plans.charts.svg_number``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):  # an ISO date kept in JSON (history, audit details)
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def long_date(value) -> str:
    """A date (or the day of a datetime, in Norwegian time): "6. desember 2026"."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return formats.date_format(day, "DATE_FORMAT")


def long_datetime(value) -> str:
    """A moment in Norwegian time: "6. desember 2026 kl. 14:30"."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return long_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def prose_number(value) -> str:
    """A number for a sentence or a table cell, without trailing zeros, in the
    page language: 12.50 -> "12,5" in Norwegian, "12.5" in English."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if number == number.to_integral_value():
        return formats.number_format(int(number))
    return formats.number_format(number.normalize())
