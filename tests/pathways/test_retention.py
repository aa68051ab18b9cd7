"""Closed pathways are anonymised after the municipality's period by ``vern tick``."""

from datetime import date

from django.core.management import call_command
from django.db import connection

from vern.audit.models import AuditEntry
from vern.core.models import RecordAccess, RetentionCount, RetentionPeriod
from vern.pathways import services
from vern.pathways.models import Consent, Pathway

MONDAY = date(2026, 3, 2)


def _closed(open_pathway, case_worker, clock, day):
    clock(day)
    pathway = open_pathway(today=day)
    services.consent_record(
        pathway=pathway,
        actor=case_worker,
        given_on=day,
        today=day,
        areas=["legal"],
        share_initials=True,
        share_needs=True,
        share_contact=True,
        note="Ring etter kl 15",
    )
    services.order_add(
        pathway=pathway,
        actor=case_worker,
        type="contact_ban",
        imposed_by="court",
        starts_on=day,
        ends_on=date(2026, 9, 1),
    )
    services.pathway_close(pathway=pathway, actor=case_worker, outcome="completed", note="Flyttet")
    return pathway


def test_a_closed_pathway_is_anonymised_after_24_months(open_pathway, case_worker, clock):
    pathway = _closed(open_pathway, case_worker, clock, MONDAY)
    clock(date(2028, 3, 1))
    call_command("tick")
    assert Pathway.objects.for_system(reason="test").get(pk=pathway.pk).anonymised_at is None
    clock(date(2028, 3, 3))
    call_command("tick")
    kept = Pathway.objects.for_system(reason="test").get(pk=pathway.pk)
    assert kept.anonymised_at is not None
    assert (kept.journal_number, kept.initials, kept.birth_year, kept.notes) == ("", "", None, "")
    assert kept.outcome_note == ""
    assert not Consent.objects.for_system(reason="test").filter(pathway_id=pathway.pk).exists()
    assert (
        not RecordAccess.objects.for_system(reason="test")
        .filter(record_type="pathways.pathway", record_id=str(pathway.pk))
        .exists()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM pathways_pathway WHERE id = %s", [pathway.pk])
        assert cursor.fetchone()[0] == ""
    # What names nobody stays: kind, outcome, the order's type and dates, the count.
    assert kept.outcome == "completed" and kept.orders.get().type == "contact_ban"
    count = RetentionCount.objects.get(record_type="pathways.pathway")
    assert (count.category, count.count) == ("victim:completed", 1)
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.retention.anonymised", object_id=str(pathway.pk))
        .exists()
    )
    # Twice is once.
    call_command("tick")
    assert RetentionCount.objects.get(record_type="pathways.pathway").count == 1


def test_open_pathways_are_kept_and_the_municipality_sets_the_period(
    home, open_pathway, case_worker, clock
):
    RetentionPeriod.objects.create(municipality=home, record_type="pathways.pathway", months=6)
    closed = _closed(open_pathway, case_worker, clock, MONDAY)
    still_open = open_pathway(today=MONDAY)
    clock(date(2026, 9, 3))
    call_command("tick")
    assert Pathway.objects.for_system(reason="test").get(pk=closed.pk).anonymised_at is not None
    assert Pathway.objects.for_system(reason="test").get(pk=still_open.pk).journal_number


def test_an_anonymised_pathway_cannot_be_reopened(open_pathway, case_worker, clock):
    import pytest
    from django.core.exceptions import ValidationError

    pathway = _closed(open_pathway, case_worker, clock, MONDAY)
    clock(date(2028, 6, 1))
    call_command("tick")
    with pytest.raises(ValidationError):
        services.pathway_reopen(pathway=pathway, actor=case_worker)
