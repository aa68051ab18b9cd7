"""Two people saving the same service at the same moment.

On PostgreSQL the audit chain's advisory lock and the entry's row lock were
taken in different orders by different paths (a save with a new organisation
logs the organisation before it writes the service), so simultaneous saves
deadlocked and answered 500.
"""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from tests.conftest import verified_client
from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.directory.test_staff_services import service_data
from tests.factories import MembershipFactory, UserFactory
from vern.core.models import Role
from vern.directory.models import Service

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 12


@pytest.fixture
def race(home):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time, so it cannot deadlock")
    organization = OrganizationFactory(owner=home, name="Heimby krisesenter")
    service = ServiceFactory(owner=home, organization=organization)
    clients = []
    for name in ("first", "second"):
        user = UserFactory(email=f"{name}@example.test")
        MembershipFactory(user=user, municipality=home, role=Role.COORDINATOR)
        clients.append(verified_client(user))
    return organization, service, clients


def run_round(clients, url, payloads):
    """Post each payload from its own client at the same instant; the responses."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)
    errors = []

    def save(index):
        try:
            barrier.wait()
            responses[index] = clients[index].post(url, payloads[index])
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return responses


def _payloads(organization, service, round_, *, seen_version):
    # One of the two also creates a new organisation, so its transaction logs
    # (and on PostgreSQL takes the audit lock) before it writes the service.
    plain = service_data(organization, name=f"Tjeneste A {round_}")
    with_new_org = service_data(
        None,
        name=f"Tjeneste B {round_}",
        new_organization_name=f"Ny organisasjon {round_}",
        new_organization_description="Ny organisasjon.",
    )
    if seen_version:
        # Both opened the entry as it is now (the version alone decides).
        plain["version"] = with_new_org["version"] = Service.objects.get(pk=service.pk).version
    return [plain, with_new_org]


def test_simultaneous_saves_of_one_service_never_deadlock(race):
    organization, service, clients = race
    url = reverse("directory:service_edit", args=[service.pk])
    statuses = []
    for round_ in range(ROUNDS):
        payloads = _payloads(organization, service, round_, seen_version=False)
        statuses += [r.status_code for r in run_round(clients, url, payloads)]
    # Without the version they opened, both saves go through, one after the other.
    assert statuses == [302] * (2 * ROUNDS)


def test_the_loser_of_a_race_is_told_someone_else_saved(race):
    organization, service, clients = race
    url = reverse("directory:service_edit", args=[service.pk])
    for round_ in range(ROUNDS):
        payloads = _payloads(organization, service, round_, seen_version=True)
        responses = run_round(clients, url, payloads)
        assert sorted(r.status_code for r in responses) == [200, 302]
        loser = next(r for r in responses if r.status_code == 200)
        assert "Noen andre lagret mens du redigerte" in loser.content.decode()
        saved = Service.objects.get(pk=service.pk).name
        winner = responses.index(next(r for r in responses if r.status_code == 302))
        assert saved == payloads[winner]["name"]
