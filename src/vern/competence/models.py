"""Competence: the duty guide's municipal versions, courses, completions and
professional days.

The duty guide's content is a JSON document (see ``duty_guide.py``); the shipped
default lives in ``data/duty_guide.json`` and a municipality's own edits are saved as
numbered versions here, never overwritten, so the history of what staff were told
stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.models import MunicipalRecord


class DutyGuideVersion(MunicipalRecord):
    """One saved version of a municipality's duty guide (the newest is shown)."""

    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    reviewed_on = models.DateField(_("last reviewed"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="competence_guide_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} v{self.number}"
