import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from vern.audit.models import GENESIS_HASH, AppendOnlyError, AuditEntry
from vern.audit.selectors import verify_chain
from vern.audit.services import log_action


def _three(home, admin):
    return [
        log_action(actor=admin, action="read", code="core.membership.read", municipality=home)
        for _ in range(3)
    ]


def test_entries_link_to_the_one_before(home, admin):
    first, second, third = _three(home, admin)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain() == (3, None)


def test_secrets_in_detail_are_masked(home, admin):
    entry = log_action(
        actor=admin,
        action="update",
        code="core.unit.update",
        municipality=home,
        detail={"password": "x", "a": 1},
    )
    assert entry.detail == {"password": "***", "a": 1}


def test_secrets_nested_in_detail_are_masked(home, admin):
    entry = log_action(
        actor=admin,
        action="update",
        code="t",
        municipality=home,
        detail={
            "before": {"api_token": "old-value", "name": "A"},
            "after": {"settings": {"SMTP_Password": "new-value"}, "name": "B"},
            "changes": [{"field": "secret_key", "otp_seed": "123456"}, "plain"],
        },
    )
    entry.refresh_from_db()
    assert entry.detail == {
        "before": {"api_token": "***", "name": "A"},
        "after": {"settings": {"SMTP_Password": "***"}, "name": "B"},
        "changes": [{"field": "secret_key", "otp_seed": "***"}, "plain"],
    }
    assert "old-value" not in str(entry.detail) and "123456" not in str(entry.detail)


def test_orm_refuses_update_and_delete(home, admin):
    entry = _three(home, admin)[0]
    entry.code = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(code="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_verify_names_a_changed_entry(home, admin, capsys):
    _, second, _ = _three(home, admin)
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out
    _raw(f"UPDATE audit_auditentry SET code = 'tampered' WHERE id = {second.pk}")
    with pytest.raises(CommandError, match=f"entry #{second.pk}: its content does not match"):
        call_command("audit", "verify")


def test_verify_names_the_entry_after_a_removed_one(home, admin):
    _, second, third = _three(home, admin)
    _raw(f"DELETE FROM audit_auditentry WHERE id = {second.pk}")
    checked, problem = verify_chain()
    assert checked == 1
    assert problem.entry_id == third.pk


def test_verify_reads_in_batches(home, admin):
    _three(home, admin)
    assert verify_chain(batch_size=2) == (3, None)


def _raw(sql: str) -> None:
    """Tamper directly in the database, as an attacker with SQL access would."""
    if connection.vendor == "postgresql":
        # The trigger refuses this; a superuser can bypass triggers, as an
        # attacker with full database access could.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql)
            cursor.execute("SET LOCAL session_replication_role = origin")
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_trigger_refuses_update_and_delete(home, admin):
    from django.db import DatabaseError

    entry = _three(home, admin)[0]
    for sql in (
        f"UPDATE audit_auditentry SET code = 'x' WHERE id = {entry.pk}",
        f"DELETE FROM audit_auditentry WHERE id = {entry.pk}",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


# --- Keyed signatures: forgery by the runtime role --------------------------

OLD_KEY = "old-audit-key-0123456789-abcdefghijklmnop"
NEW_KEY = "new-audit-key-9876543210-zyxwvutsrqponmlk"


def _append_directly(*, created_at=None, sign_with: str | None = None, mac: str = "", **fields):
    """Insert an entry the way the runtime database role could, without log_action."""
    from datetime import timedelta

    from django.utils import timezone

    from vern.audit import signing

    last = AuditEntry.objects.order_by("-id").first()
    entry = AuditEntry(
        created_at=created_at or timezone.now() + timedelta(seconds=1),
        action=fields.pop("action", "read"),
        code=fields.pop("code", "directory.location.read"),
        prev_hash=last.hash if last else GENESIS_HASH,
        **fields,
    )
    entry.hash = entry.compute_hash()
    if sign_with:
        entry.key_id = signing.key_id(sign_with)
        entry.mac = signing._mac(sign_with, entry.hash)
    elif mac:
        entry.key_id, entry.mac = signing.key_id(OLD_KEY), mac
    entry.save(force_insert=True)
    return entry


def test_entries_carry_a_mac_of_the_first_key(home, admin, settings):
    from vern.audit import signing

    settings.VERN_AUDIT_KEYS = [NEW_KEY, OLD_KEY]
    entry = _three(home, admin)[0]
    assert entry.key_id == signing.key_id(NEW_KEY)
    assert len(entry.mac) == 64
    assert NEW_KEY not in entry.key_id


def test_a_forged_entry_without_a_mac_fails_verify(home, admin, coordinator):
    _three(home, admin)
    forged = _append_directly(
        actor=coordinator, municipality=home, object_type="directory.location"
    )
    checked, problem = verify_chain()
    assert checked == 3
    assert problem.entry_id == forged.pk
    assert "no MAC" in problem.reason
    with pytest.raises(CommandError, match=f"entry #{forged.pk}"):
        call_command("audit", "verify")


def test_a_forged_entry_with_a_wrong_mac_fails_verify(home, admin, coordinator, settings):
    settings.VERN_AUDIT_KEYS = [OLD_KEY]
    _three(home, admin)
    forged = _append_directly(actor=coordinator, municipality=home, mac="ab" * 32)
    checked, problem = verify_chain()
    assert (checked, problem.entry_id) == (3, forged.pk)
    assert "MAC is wrong" in problem.reason


def test_an_entry_signed_with_a_guessed_key_fails_verify(home, admin, coordinator, settings):
    settings.VERN_AUDIT_KEYS = [OLD_KEY]
    _three(home, admin)
    forged = _append_directly(actor=coordinator, municipality=home, sign_with="guess" * 8)
    checked, problem = verify_chain()
    assert (checked, problem.entry_id) == (3, forged.pk)
    assert "not in VERN_AUDIT_KEYS" in problem.reason


def test_an_entry_dated_before_the_one_it_follows_fails_verify(home, admin, coordinator):
    from datetime import timedelta

    from django.conf import settings as django_settings

    *_, last = _three(home, admin)
    # Even correctly signed (as a key holder could), a backdated entry is refused.
    backdated = _append_directly(
        actor=coordinator,
        municipality=home,
        created_at=last.created_at - timedelta(days=30),
        sign_with=django_settings.VERN_AUDIT_KEYS[0],
    )
    checked, problem = verify_chain()
    assert checked == 3
    assert problem.entry_id == backdated.pk
    assert "before the entry it follows" in problem.reason


def test_entries_signed_with_an_old_key_verify_after_rotation(home, admin, settings, capsys):
    settings.VERN_AUDIT_KEYS = [OLD_KEY]
    _three(home, admin)
    settings.VERN_AUDIT_KEYS = [NEW_KEY, OLD_KEY]
    _three(home, admin)
    assert verify_chain() == (6, None)
    call_command("audit", "verify")
    assert "OK: 6 audit entries" in capsys.readouterr().out
    # Dropping the old key before its entries are gone is reported, not ignored.
    settings.VERN_AUDIT_KEYS = [NEW_KEY]
    checked, problem = verify_chain()
    assert checked == 0
    assert "not in VERN_AUDIT_KEYS" in problem.reason


def test_unsigned_entries_from_before_signing_are_reported_as_such(home, admin, capsys):
    legacy = [_append_directly(actor=admin, municipality=home) for _ in range(2)]
    _three(home, admin)
    assert verify_chain() == (5, None)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "OK: 5 audit entries" in out
    assert "2 of them, the oldest, are unsigned" in out
    assert all(entry.mac == "" for entry in legacy)
