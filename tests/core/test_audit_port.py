"""core writes audit entries through core.audit_port, which the audit app fills in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from vern.audit import services
from vern.audit.models import AuditEntry
from vern.core import audit_port
from vern.core.models import Unit
from vern.core.services import unit_create


def test_the_audit_app_fills_the_port_at_start_up():
    assert audit_port._impl["log_action"] is services.log_action
    assert set(audit_port._impl) == audit_port.NAMES
    # One decorator for both: audit re-exports core's.
    assert services.audited_transaction is audit_port.audited_transaction


@pytest.mark.django_db
def test_a_core_service_writes_its_entry_through_the_port(home, admin):
    unit = unit_create(municipality=home, kind=Unit.Kind.SCHOOL, name="Nordby skole", actor=admin)
    entry = AuditEntry.objects.for_system(reason="test").get(code="core.unit.create")
    assert (entry.object_id, entry.municipality_id) == (str(unit.pk), home.pk)


@pytest.mark.django_db
def test_without_the_audit_app_an_audited_write_fails_instead_of_passing_unrecorded(
    monkeypatch, home, admin
):
    monkeypatch.setattr(audit_port, "_impl", {})
    with pytest.raises(ImproperlyConfigured, match="lock_chain"):
        unit_create(municipality=home, kind=Unit.Kind.SCHOOL, name="Nordby skole", actor=admin)
    assert not Unit.objects.for_system(reason="test").filter(name="Nordby skole").exists()


def test_install_refuses_a_missing_function():
    with pytest.raises(ImproperlyConfigured, match="record_reads"):
        audit_port.install(**{n: print for n in audit_port.NAMES - {"record_reads"}})
