"""Dates and numbers as people read them: "6. desember 2026", "6 December 2026", "12,5"."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

from vern.core.dates import long_date, long_datetime, prose_number

SOURCE = Path(__file__).resolve().parents[2] / "src" / "vern"
DAY = date(2026, 12, 6)
MOMENT = datetime(2026, 12, 6, 13, 30, tzinfo=ZoneInfo("UTC"))  # 14:30 in Oslo


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("nb", "6. desember 2026", "6. desember 2026 kl. 14:30"),
        ("nn", "6. desember 2026", "6. desember 2026 kl. 14:30"),
        ("en", "6 December 2026", "6 December 2026, 14:30"),
    ],
)
def test_one_date_format_per_staff_language(language, day, moment):
    with translation.override(language):
        assert long_date(DAY) == day
        assert long_date(MOMENT) == day
        assert long_date("2026-12-06") == day  # as kept in JSON
        assert long_datetime(MOMENT) == moment
        # Django's own date formats, which a raw {{ date }} uses, say the same.
        template = engines["django"].from_string("{{ day }}|{{ day|date:'SHORT_DATE_FORMAT' }}")
        assert template.render({"day": DAY}) == f"{day}|{day}"


def test_numbers_in_prose_have_the_page_languages_decimal_sign():
    with translation.override("nb"):
        assert prose_number(Decimal("12.50")) == "12,5"
        assert prose_number(Decimal("90.00")) == "90"
    with translation.override("nn"):
        assert prose_number(Decimal("0.25")) == "0,25"
    with translation.override("en"):
        assert prose_number(Decimal("12.50")) == "12.5"
    assert prose_number(None) == "–"


def test_no_template_or_module_formats_a_date_its_own_way():
    """``|date:"..."``, ``strftime`` and Django's ``date_format`` outside
    ``vern.core.dates`` would each make their own format; ISO dates shown to
    people are caught by the page tests."""
    allowed = {
        SOURCE / "core" / "dates.py",
        # Machine output: HH:MM in the HSDS feed and in stored history rows.
        SOURCE / "directory" / "hsds" / "vocabulary.py",
        SOURCE / "directory" / "services" / "entries.py",
        # The chart's month axis ("des. 2026"), a short format of its own.
        SOURCE / "plans" / "charts.py",
        # Machine output: UTC times in the iCalendar feed (RFC 5545).
        SOURCE / "consultations" / "ical.py",
    }
    own_way = re.compile(r"\|date:|strftime\(|date_format\(|formats\.localize\(")
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in sorted(SOURCE.rglob("*"))
        if path.suffix in {".py", ".html", ".txt"}
        and path not in allowed
        and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if own_way.search(line)
    ]
    assert found == []
