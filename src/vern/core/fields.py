"""Encryption at rest for free text that may hold personal data.

``EncryptedTextField`` stores Fernet tokens. ``VERN_FERNET_KEYS`` lists keys
newest first: the first encrypts, all decrypt, so a new key is put in front
and old ones stay until every stored value has been re-encrypted with
``rotate_value`` (docs/operations.md).
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "VERN_FERNET_KEYS must hold url-safe base64 Fernet keys, comma-separated"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.VERN_FERNET_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Stored text cannot be decrypted with any key in VERN_FERNET_KEYS"
        ) from exc


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted in the database.

    Encrypted values cannot be searched or ordered in SQL; use it for notes,
    not for anything a query must filter on.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def rotate_value(self, token: str) -> str:
        return fernet().rotate(token.encode()).decode()
