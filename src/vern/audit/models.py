"""The append-only, hash-chained audit log.

Each entry stores ``hash = sha256(previous hash + canonical content)``, so a
changed or removed row breaks the chain at that point and ``vern audit verify``
names it. Since issue 10 there is one chain per municipality and one for national and
system entries (``chain``), so writers for different municipalities do not
wait for each other; entries written before that form one chain of their own
(``chain`` empty). The ORM refuses updates and deletes; on PostgreSQL a trigger
(migration 0002) refuses them too. Each entry also carries an HMAC of its hash
with a key the database does not hold (``audit/signing.py``), so an entry
inserted by someone with only database access does not verify.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.models import PersonalData, TenantQuerySet

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit entry."""


class AuditQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    _raw_delete = delete


class AuditEntry(PersonalData):
    class Action(models.TextChoices):
        READ = "read", _("Read")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        LOGIN = "login", _("Login")
        EXPORT = "export", _("Export")

    created_at = models.DateTimeField(_("time"), db_index=True)
    # PROTECT: a user with audit history is deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # Dotted code such as "core.membership.read" or "audit.log.read".
    code = models.CharField(_("event"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    reason = models.TextField(_("reason"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # The chain the entry is linked into: its municipality's id, or 0 for a
    # national or system entry. Empty on entries from before chains per
    # municipality, which form one chain in id order. Not part of the hash:
    # verify checks it against the (hashed) municipality instead.
    chain = models.IntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # HMAC of the hash with a key from VERN_AUDIT_KEYS (audit/signing.py), and
    # which key made it. Both are empty on entries written before signing began.
    key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["municipality", "-created_at"]),
            # The head of a chain: the newest entry with that chain.
            models.Index(fields=["chain", "-id"], name="audit_chain_head"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def canonical(self) -> str:
        """The content the hash covers, as stable JSON.

        The row id is left out because it is assigned on insert; the chain of
        ``prev_hash`` values fixes the order instead.
        """
        return json.dumps(
            {
                "created_at": self.created_at.isoformat(timespec="microseconds"),
                "actor": self.actor_id,
                "action": self.action,
                "code": self.code,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "municipality": self.municipality_id,
                "reason": self.reason,
                "detail": self.detail,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @staticmethod
    def chain_of(municipality_id: int | None) -> int:
        return municipality_id or 0

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode()).hexdigest()
