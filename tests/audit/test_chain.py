import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from vern.audit.models import GENESIS_HASH, AppendOnlyError, AuditEntry
from vern.audit.selectors import verify_chain
from vern.audit.services import log_action


def _three(home, admin):
    return [
        log_action(actor=admin, action="read", code=f"test.entry{i}.read", municipality=home)
        for i in range(3)
    ]


def test_entries_link_to_the_one_before(home, admin):
    first, second, third = _three(home, admin)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain() == (3, None)


def test_secrets_in_detail_are_masked(home, admin):
    entry = log_action(
        actor=admin, action="update", code="t", municipality=home, detail={"password": "x", "a": 1}
    )
    assert entry.detail == {"password": "***", "a": 1}


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
