"""Keeping entries true: history, proposed changes, error reports, search synonyms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core import history_text
from vern.core.models import PersonalData
from vern.directory.models.services import DirectoryQuerySet


class ServiceRecordQuerySet(DirectoryQuerySet):
    """Rows that belong to a service, and so to the service's owner."""

    tenant_field = "service__owner"


# What a revision's heading says, kept as a code and shown in the reader's language.
history_text.register(
    {
        "directory.revision.created": _("Created"),
        "directory.revision.changed": _("Changed"),
        "directory.revision.verified": _("Verified"),
        "directory.revision.imported": _("Imported"),
        "directory.revision.approved": _("Approved change from %(name)s"),
    }
)


class ServiceRevision(PersonalData):
    """One saved change to a service: who, when, and the fields before and after.

    The heading is ``summary_code`` and ``summary_params``, rendered when read
    (``summary_text``); ``summary`` holds the text of rows written before codes
    and a text a caller gave in its own words.
    """

    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="revisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    summary = models.CharField(max_length=200, blank=True)
    summary_code = models.CharField(max_length=80, blank=True)
    summary_params = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=dict)  # {field: [before, after]}

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.summary_text

    @property
    def summary_text(self) -> str:
        return history_text.render(self.summary_code, self.summary_params, fallback=self.summary)


class PendingChange(PersonalData):
    """A change proposed by an organisation editor, live once the owner approves."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="pending_changes"
    )
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, null=True, related_name="+"
    )
    proposed = models.JSONField()  # {field: new value}
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_state_display()}"


class ErrorReport(PersonalData):
    """A resident's or professional's report that an entry is wrong."""

    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="error_reports"
    )
    message = models.TextField(_("what is wrong"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message[:60]


class Synonym(models.Model):
    """A search word and what it should also find: "juling" finds "vold"."""

    term = models.CharField(_("search word"), max_length=60, unique=True)
    expands_to = models.CharField(_("also search for"), max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.expands_to}"
