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
        code="core.unit.update",
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
        AuditEntry.objects.for_system("test").filter(pk=entry.pk).update(code="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.for_system("test").all().delete()


def test_verify_names_a_changed_entry(home, admin, capsys):
    _, second, _ = _three(home, admin)
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out
    _raw(f"UPDATE audit_auditentry SET code = 'tampered' WHERE id = {second.pk}")
    with pytest.raises(
        CommandError,
        match=f"entry #{second.pk} in the chain of Heimby \\(9801\\): its content does not match",
    ):
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


def _append_directly(
    *,
    created_at=None,
    sign_with: str | None = None,
    mac: str = "",
    legacy=False,
    chain_of=None,
    **fields,
):
    """Insert an entry the way the runtime database role could, without log_action.

    It goes at the end of its municipality's chain, as log_action would put it;
    ``legacy`` puts it in the single chain of entries from before chains per
    municipality instead, ``chain_of`` in another municipality's chain.
    """
    from datetime import timedelta

    from django.utils import timezone

    from vern.audit import signing

    municipality = chain_of or fields.get("municipality")
    chain = None if legacy else AuditEntry.chain_of(getattr(municipality, "pk", None))
    last = AuditEntry.objects.for_system("test").filter(chain=chain).order_by("-id").first()
    entry = AuditEntry(
        created_at=created_at or timezone.now() + timedelta(seconds=1),
        action=fields.pop("action", "read"),
        code=fields.pop("code", "directory.location.read"),
        prev_hash=last.hash if last else GENESIS_HASH,
        chain=chain,
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
    legacy = [_append_directly(actor=admin, municipality=home, legacy=True) for _ in range(2)]
    _three(home, admin)
    assert verify_chain() == (5, None)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "OK: 5 audit entries in 2 chains" in out
    assert "2 of them, the oldest, are unsigned" in out
    assert all(entry.mac == "" for entry in legacy)


# --- One chain per municipality ------------------------------------------------


def test_each_municipality_has_its_own_chain_and_national_entries_one_more(
    home, other, admin, outsider
):
    first_home = log_action(
        actor=admin, action="read", code="core.membership.read", municipality=home
    )
    first_other = log_action(
        actor=outsider, action="read", code="core.membership.read", municipality=other
    )
    national = log_action(actor=None, action="read", code="core.membership.read")
    second_home = log_action(
        actor=admin, action="read", code="core.membership.read", municipality=home
    )
    assert (first_home.chain, first_other.chain, national.chain) == (home.pk, other.pk, 0)
    assert first_other.prev_hash == GENESIS_HASH == national.prev_hash
    assert second_home.prev_hash == first_home.hash
    assert verify_chain() == (4, None)


def test_a_tampered_entry_in_one_municipalitys_chain_is_found(home, other, admin, outsider, capsys):
    for _ in range(3):
        log_action(actor=admin, action="read", code="core.membership.read", municipality=home)
        log_action(actor=outsider, action="read", code="core.membership.read", municipality=other)
    theirs = AuditEntry.objects.for_system("test").filter(chain=other.pk).order_by("id")
    call_command("audit", "verify")
    assert "OK: 6 audit entries in 2 chains, every chain whole." in capsys.readouterr().out

    _raw(f"UPDATE audit_auditentry SET reason = 'x' WHERE id = {theirs[1].pk}")
    checked, problem = verify_chain()
    assert (problem.entry_id, problem.chain) == (theirs[1].pk, other.pk)
    assert checked == 3  # home's first two and other's first: all before it are whole
    with pytest.raises(CommandError, match=r"in the chain of Annenby \(9802\): its content"):
        call_command("audit", "verify")


def test_a_removed_entry_in_one_municipalitys_chain_is_found(home, other, admin, outsider):
    for _ in range(3):
        log_action(actor=admin, action="read", code="core.membership.read", municipality=home)
        log_action(actor=outsider, action="read", code="core.membership.read", municipality=other)
    theirs = list(AuditEntry.objects.for_system("test").filter(chain=other.pk).order_by("id"))
    _raw(f"DELETE FROM audit_auditentry WHERE id = {theirs[1].pk}")
    checked, problem = verify_chain()
    assert (problem.entry_id, problem.chain, checked) == (theirs[2].pk, other.pk, 4)
    assert "does not link" in problem.reason


def test_an_entry_moved_to_another_municipalitys_chain_is_found(home, other, admin, outsider):
    log_action(actor=admin, action="read", code="core.membership.read", municipality=home)
    log_action(actor=outsider, action="read", code="core.membership.read", municipality=other)
    # Put at the end of home's chain, linked and signed there, but still other's entry.
    moved = _append_directly(
        actor=outsider, municipality=other, sign_with=settings_key(), chain_of=home
    )
    checked, problem = verify_chain()
    assert (checked, problem.entry_id) == (2, moved.pk)
    assert "another municipality's chain" in problem.reason


def test_an_entry_added_to_the_old_single_chain_later_is_found(home, admin):
    old = [_append_directly(actor=admin, municipality=home, legacy=True) for _ in range(2)]
    log_action(actor=admin, action="read", code="core.membership.read", municipality=home)
    late = _append_directly(actor=admin, municipality=home, legacy=True)
    checked, problem = verify_chain()
    assert (checked, problem.entry_id) == (3, late.pk)
    assert "old single chain" in problem.reason
    assert old[1].chain is None


def settings_key() -> str:
    from django.conf import settings

    return settings.VERN_AUDIT_KEYS[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers; concurrent chains need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_entries_of_two_municipalities_written_at_once_verify():
    """Two offices (and a third writer in one of them) log at the same time, each
    call on its own as a staff view's read entry is: every chain stays whole."""
    import threading

    from django.db import connections

    from tests.factories import MembershipFactory, MunicipalityFactory
    from vern.core.models import Role

    places = [
        MunicipalityFactory(number="9801", name="Heimby"),
        MunicipalityFactory(number="9802", name="Annenby"),
    ]
    people = [MembershipFactory(municipality=p, role=Role.ADMIN).user for p in places]
    writers = [(people[0], places[0]), (people[1], places[1]), (people[1], places[1])]
    barrier = threading.Barrier(len(writers))
    errors = []

    def write(user, place):
        try:
            barrier.wait()
            for _ in range(40):
                log_action(
                    actor=user, action="read", code="core.membership.read", municipality=place
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=w) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = AuditEntry.objects.for_system("test")
    assert entries.filter(chain=places[0].pk).count() == 40
    assert entries.filter(chain=places[1].pk).count() == 80
    assert verify_chain() == (120, None)
    # Not one chain in disguise: the two were written interleaved.
    ids = list(entries.order_by("id").values_list("chain", flat=True))
    assert ids != sorted(ids)
