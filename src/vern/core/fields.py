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


# --- at start-up, and re-encryption after a key rotation ----------------------------


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every ``EncryptedTextField`` of every installed model."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def key_problems() -> list[str]:
    """Why the keys cannot serve the stored data: a malformed key, or stored text that no
    listed key decrypts (a wrong key, or an old key removed before its values were
    re-encrypted). Reads the newest stored value of each encrypted field; a table not yet
    migrated is skipped."""
    from django.db import DatabaseError

    try:
        fernet()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    problems = []
    for model, field in encrypted_fields():
        rows = model._base_manager.exclude(**{field.attname: ""}).exclude(
            **{f"{field.attname}__isnull": True}
        )
        try:
            rows.order_by("-pk").values_list(field.attname, flat=True).first()
        except ImproperlyConfigured:
            problems.append(
                f"{model._meta.label}.{field.name}: stored text cannot be decrypted with any "
                "key in VERN_FERNET_KEYS. The key is wrong, or an old key was removed before "
                "`vern reencrypt` had rewritten the values it encrypted (docs/operations.md)."
            )
        except DatabaseError:
            continue
    return problems


def check_encryption_keys(app_configs=None, **kwargs):
    """System check (every management command, ``runserver``, ``migrate``)."""
    from django.core import checks

    return [checks.Error(problem, id="vern.E010") for problem in key_problems()]


def verify_keys_or_fail() -> None:
    """At application start-up (wsgi/asgi): refuse to serve with keys that do not fit."""
    problems = key_problems()
    if problems:
        raise ImproperlyConfigured(
            "Encryption keys do not fit the stored data: " + " ".join(problems)
        )


def reencrypt_all(batch: int = 500) -> int:
    """Rewrite every encrypted value with the first key in ``VERN_FERNET_KEYS``; returns how
    many values were rewritten. Each model's values are rewritten in one transaction."""
    from django.db import transaction

    rewritten = 0
    for model, field in encrypted_fields():
        manager = model._base_manager
        with transaction.atomic():
            pks = list(
                manager.exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for start in range(0, len(pks), batch):
                chunk = pks[start : start + batch]
                for pk, text in manager.filter(pk__in=chunk).values_list("pk", field.attname):
                    manager.filter(pk=pk).update(**{field.attname: text})
                    rewritten += 1
    return rewritten
