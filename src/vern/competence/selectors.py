"""Reads of the competence app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vern.competence import duty_guide
from vern.competence.models import DutyGuideVersion
from vern.core.models import Municipality

# The duty guide is public: any municipality's current version may be shown to anyone.
PUBLIC_GUIDE = "the duty guide is public: show a municipality's current version"


@dataclass(frozen=True)
class Guide:
    content: dict
    version: int
    reviewed_on: date
    municipality: Municipality | None  # None: Vern's shipped default

    @property
    def is_default(self) -> bool:
        return self.municipality is None


def current_guide(municipality: Municipality | None) -> Guide:
    """The guide a municipality shows: its newest saved version, else the shipped one."""
    if municipality is not None:
        latest = (
            DutyGuideVersion.objects.for_system(reason=PUBLIC_GUIDE)
            .filter(municipality=municipality)
            .order_by("-number")
            .first()
        )
        if latest is not None:
            return Guide(latest.content, latest.number, latest.reviewed_on, municipality)
    content = duty_guide.shipped()
    return Guide(content, content["version"], date.fromisoformat(content["reviewed_on"]), None)
