"""Records that belong to a unit, and per-record access lists.

``UnitRecord`` is the base of a municipal record that belongs to one unit (a
school's case, a health station's pathway). Views that show such records
declare ``staff_view(unit_scoped=True)`` and narrow their querysets with
``vern.core.access.scoped_to_units``.

``RecordAccess`` is the one access list for records that only the people
assigned to them may open ("the people on the case"). A model that uses it
inherits ``AccessListed``; its views call ``require_record_access``
(``vern.core.record_access``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.models.scoping import MunicipalRecord, ScopedQuerySet


class UnitRecord(MunicipalRecord):
    """A municipal record that belongs to one unit of its municipality."""

    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )

    # The field ``scoped_to_units`` narrows by, unless a view names another.
    unit_field = "unit"

    class Meta:
        abstract = True


class AccessListed:
    """Marks a model whose records are opened only by the people on their
    access list (``RecordAccess``) and, after stating a reason, coordinators.

    A plain mixin: it adds no field. The label of the model
    (``app_label.modelname``) is the ``record_type`` of its access rows.
    """


class RecordAccess(MunicipalRecord):
    """One person on the access list of one record."""

    class Kind(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible")
        MEMBER = "member", _("Member")
        READER = "reader", _("Reader")

    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record id"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_access"
    )
    kind = models.CharField(_("role on the record"), max_length=20, choices=Kind.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["added_at"]
        verbose_name = _("record access")
        verbose_name_plural = _("record access")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "user"], name="core_recordaccess_unique_user"
            )
        ]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} – {self.user}"
