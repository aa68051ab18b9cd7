import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from vern.core.fields import EncryptedTextField, decrypt, encrypt


def test_round_trip_and_ciphertext_hides_the_text(settings):
    settings.VERN_FERNET_KEYS = [Fernet.generate_key().decode()]
    token = encrypt("Kari er redd")
    assert "Kari" not in token
    assert decrypt(token) == "Kari er redd"


def test_old_key_still_decrypts_after_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.VERN_FERNET_KEYS = [old]
    token = encrypt("notat")
    settings.VERN_FERNET_KEYS = [new, old]
    assert decrypt(token) == "notat"
    rotated = EncryptedTextField().rotate_value(token)
    settings.VERN_FERNET_KEYS = [new]
    assert decrypt(rotated) == "notat"


def test_unknown_key_is_a_clear_error(settings):
    settings.VERN_FERNET_KEYS = [Fernet.generate_key().decode()]
    token = encrypt("x")
    settings.VERN_FERNET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="VERN_FERNET_KEYS"):
        decrypt(token)


def test_field_stores_ciphertext(settings):
    settings.VERN_FERNET_KEYS = [Fernet.generate_key().decode()]
    field = EncryptedTextField()
    stored = field.get_prep_value("hemmelig")
    assert stored != "hemmelig"
    assert field.from_db_value(stored, None, None) == "hemmelig"
    assert field.get_prep_value("") == ""
