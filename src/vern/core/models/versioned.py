"""Records that several people edit: an integer version, bumped on each save.

A model inherits ``VersionedRecord``; its write service locks the row, checks
the version the person saw against the one saved, and saves with the next
number (``vern.core.versioning``). The field is not editable, so model forms
leave it out; ``versioning.add_version_fields`` puts it on the form as a
hidden field.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedRecord(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
