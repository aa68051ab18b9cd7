"""Keyed signatures (HMAC-SHA256) on audit entries.

The hash chain shows that an entry was changed or removed, but anyone who can
insert rows (the application's own database role) can append an entry with a
correct hash. The MAC closes that: it is made with a key from the environment
(``VERN_AUDIT_KEYS``), which the database never holds, so an entry inserted
directly into the table cannot carry a valid one.

Keys rotate like ``VERN_FERNET_KEYS``: the first key signs, every listed key
verifies. Each entry stores the id of the key that signed it, derived from the
key itself, so the setting needs no separate names.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

# Signatures are over the entry's hash, which already covers its content and
# the hash before it; the prefix keeps these MACs from being valid anywhere else.
_DOMAIN = b"vern-audit-entry-v1:"


def key_id(key: str) -> str:
    """A short, public name for a key: it tells which key signed, not the key."""
    return hashlib.sha256(b"vern-audit-key-id:" + key.encode()).hexdigest()[:16]


def _keys() -> list[str]:
    return list(settings.VERN_AUDIT_KEYS)


def _mac(key: str, entry_hash: str) -> str:
    return hmac.new(key.encode(), _DOMAIN + entry_hash.encode(), hashlib.sha256).hexdigest()


def sign(entry_hash: str) -> tuple[str, str]:
    """Return ``(key id, mac)`` for an entry hash, made with the first key."""
    key = _keys()[0]
    return key_id(key), _mac(key, entry_hash)


def check(*, entry_hash: str, entry_key_id: str, mac: str) -> bool | None:
    """True if the MAC is valid, False if not, None if its key is not configured."""
    for key in _keys():
        if key_id(key) == entry_key_id:
            return hmac.compare_digest(_mac(key, entry_hash), mac)
    return None
