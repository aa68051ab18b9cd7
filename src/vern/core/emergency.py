"""The national emergency and help lines: shared data for the public pages.

The public front page, the guide's pages and the guide's printed poster show
them (with ``core/includes/emergency.html`` on the web pages). They live in
``core`` because both ``public`` and ``directory`` use them, and feature apps
do not import each other's modules (see the import rules in pyproject.toml).

Numbers and their sources live in ``data/emergency_lines.csv`` (source URL and
the date the entry was checked against it, see ``data/SOURCES.md``); the texts
are ours.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data" / "emergency_lines.csv"

_TEXTS = {
    "police": (_("Police"), _("When someone is in danger or violence is happening now.")),
    "ambulance": (_("Ambulance"), _("When life or health is at risk.")),
    "fire": (_("Fire brigade"), _("Fire, smoke or gas.")),
    "children": (
        _("Alarmtelefonen for children and young people"),
        _(
            "For children and young people who are exposed to violence or neglect. Free, day and night."
        ),
    ),
    "violence_line": (
        _("Vold- og overgrepslinjen"),
        _("Talk to someone about violence or abuse. Free and anonymous, day and night."),
    ),
    "emergency_clinic": (
        _("Emergency clinic (legevakt)"),
        _("Urgent medical help that is not life-threatening, including after violence."),
    ),
}


@dataclass(frozen=True)
class EmergencyLine:
    key: str
    number: str
    name: str
    purpose: str

    @property
    def tel(self) -> str:
        return "tel:" + self.number.replace(" ", "")


@cache
def _rows() -> tuple[tuple[str, str], ...]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return tuple((row["key"], row["number"]) for row in csv.DictReader(handle))


def emergency_lines() -> list[EmergencyLine]:
    return [
        EmergencyLine(key, number, str(_TEXTS[key][0]), str(_TEXTS[key][1]))
        for key, number in _rows()
    ]
