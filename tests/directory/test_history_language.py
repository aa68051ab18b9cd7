"""A service's history is shown in the reader's language, not the writer's."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from tests.directory.factories import OrganizationFactory, ServiceFactory
from vern.directory.models import ServiceRevision
from vern.directory.services import service_save, service_verify


@pytest.fixture
def service(home, coordinator):
    service = ServiceFactory(owner=home, organization=OrganizationFactory(), name="Tilbudet")
    # Written by a person whose page was in bokmål.
    with translation.override("nb"):
        service.name = "Tilbudet for alle"
        service_save(service=service, actor=coordinator)
        service_verify(service=service, actor=coordinator)
    return service


def _history(client, service, language: str) -> str:
    with translation.override(language):
        return client.get(reverse("directory:service_history", args=[service.pk])).content.decode()


@pytest.mark.parametrize(
    ("language", "changed", "verified", "not_shown"),
    [
        ("nb", "Endret", "Bekreftet", "Changed"),
        ("nn", "Endra", "Stadfesta", "Endret"),
        ("en", "Changed", "Verified", "Endret"),
    ],
)
def test_history_headings_follow_the_reader(
    service, coordinator, login, language, changed, verified, not_shown
):
    html = _history(login(coordinator), service, language)
    assert f">{changed} – " in html
    assert f">{verified} – " in html
    assert f">{not_shown} – " not in html


def test_an_old_row_stays_readable_and_known_texts_become_codes(service, coordinator, login):
    old = ServiceRevision.objects.for_system(reason="test").create(
        service=service, summary="Endret", changes={}
    )
    free = ServiceRevision.objects.for_system(reason="test").create(
        service=service, summary="Flyttet til nytt bygg", changes={}
    )
    approved = ServiceRevision.objects.for_system(reason="test").create(
        service=service, summary="Godkjent endringsforslag fra Kari Nordmann", changes={}
    )
    client = login(coordinator)
    assert ">Endret – " in _history(client, service, "en")  # before the migration: as stored
    migration = importlib.import_module("vern.directory.migrations.0012_formats_revision_summary")
    migration.to_codes(apps, None)
    for row in (old, free, approved):
        row.refresh_from_db()
    assert old.summary_code == "directory.revision.changed"
    assert free.summary_code == "" and free.summary == "Flyttet til nytt bygg"
    assert approved.summary_params == {"name": "Kari Nordmann"}
    html = _history(client, service, "en")
    assert ">Flyttet til nytt bygg – " in html
    assert ">Approved change from Kari Nordmann – " in html
    assert ">Endret – " not in html
