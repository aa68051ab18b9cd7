"""The change log every process's guide reads to bring its values up to date."""

from django.db import models


class GuideChange(models.Model):
    """A service changed (``service_id``), or anything may have (empty), in a
    transaction that committed. Written by the guide's hook after the commit
    (``hooks.py``), read by every process's snapshot (``snapshot.py``); only
    the newest ``KEEP`` entries are kept."""

    KEEP = 5000

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: the log outlives a deleted service.
    service_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "guide_change"

    def __str__(self) -> str:
        return f"{self.pk}: {self.service_id or 'everything'}"
