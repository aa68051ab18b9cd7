"""Encrypted free text on pathways: rotation, and a wrong key stops start-up."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from vern.core.fields import check_encryption_keys, verify_keys_or_fail
from vern.pathways.models import Pathway


def _raw_notes(pathway) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM pathways_pathway WHERE id = %s", [pathway.pk])
        return cursor.fetchone()[0]


def test_notes_are_stored_encrypted(open_pathway):
    pathway = open_pathway()
    raw = _raw_notes(pathway)
    assert "venninne" not in raw
    assert Pathway.objects.for_system(reason="test").get(pk=pathway.pk).notes == (
        "Bor hos en venninne nå."
    )


def test_rotation_re_encrypts_with_the_new_key_so_the_old_one_can_go(settings, open_pathway):
    old = settings.VERN_FERNET_KEYS[0]
    pathway = open_pathway()
    before = _raw_notes(pathway)
    new = Fernet.generate_key().decode()
    settings.VERN_FERNET_KEYS = [new, old]
    call_command("reencrypt")
    assert _raw_notes(pathway) != before
    settings.VERN_FERNET_KEYS = [new]
    assert verify_keys_or_fail() is None
    assert Pathway.objects.for_system(reason="test").get(pk=pathway.pk).notes.startswith("Bor")


def test_a_wrong_key_fails_start_up_with_a_clear_message(settings, open_pathway):
    open_pathway()
    settings.VERN_FERNET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match=r"pathways\.Pathway\.notes.*VERN_FERNET_KEYS"):
        verify_keys_or_fail()
    errors = check_encryption_keys()
    assert errors and errors[0].id == "vern.E010"


def test_a_malformed_key_is_refused(settings, db):
    settings.VERN_FERNET_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="url-safe base64"):
        verify_keys_or_fail()
