"""A long import does not keep staff waiting (issue 15, item 5).

The import commits every ``BATCH_SIZE`` services and takes the audit log's
lock only at the end of each batch, so a staff page whose read writes an audit
entry is answered while an import runs; a batch that fails is rolled back and
the batches before it stay (the run is resumable: records are matched by id).
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.urls import reverse

from tests.conftest import verified_client
from tests.directory.factories import ServiceFactory
from tests.directory.test_import_export import _service_doc
from vern.audit.models import AuditEntry
from vern.directory.importer import Authority, import_data
from vern.directory.importer.run import BATCH_SIZE
from vern.directory.models import Service

pytestmark = pytest.mark.django_db(transaction=True)

SERVICES = 2_000


class Stopped(Exception):
    pass


def _documents(count: int, prefix: str) -> dict:
    return {
        "services": [
            _service_doc(name=f"{prefix} {n}", service_areas=[], languages=[]) for n in range(count)
        ]
    }


def test_an_audited_staff_read_is_answered_within_a_second_during_an_import(home, coordinator):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite lets one writer in at a time, so a read that "
            "writes its audit entry always waits for the import's current write"
        )
    service = ServiceFactory(owner=home)
    client = verified_client(coordinator)
    url = reverse("directory:service_detail", args=[service.pk])
    assert client.get(url).status_code == 200
    document = _documents(SERVICES, "Importert tjeneste")
    into_second_batch = threading.Event()
    stop = threading.Event()
    outcome = {}

    def progress(done: int) -> None:
        if done == BATCH_SIZE + 20:
            into_second_batch.set()
        if stop.is_set():
            raise Stopped

    def run() -> None:
        try:
            import_data(document, authority=Authority(municipality=home), progress=progress)
            outcome["finished"] = True
        except Stopped:
            outcome["stopped"] = True
        finally:
            connections.close_all()

    importer = threading.Thread(target=run)
    importer.start()
    try:
        assert into_second_batch.wait(timeout=600), "the import never reached its second batch"
        waits = []
        for _ in range(5):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            waits.append(time.perf_counter() - started)
            time.sleep(0.2)
    finally:
        # The read was measured; stopping the import here also shows what a
        # failing batch leaves (and keeps the test short).
        stop.set()
        importer.join()
    print(f"staff read during the import: {', '.join(f'{w * 1000:.0f} ms' for w in waits)}")
    assert max(waits) < 1.0, waits
    assert outcome == {"stopped": True}
    # The first batch was committed with its summary; the one it failed in was rolled back.
    assert Service.objects.filter(name__startswith="Importert tjeneste").count() == BATCH_SIZE
    summaries = AuditEntry.objects.for_system(reason="test").filter(code="directory.import")
    assert [entry.detail["batch"] for entry in summaries] == [1]
    assert summaries.get().detail["created"]["services"] == BATCH_SIZE


def test_a_problem_keeps_the_batches_before_it_and_a_second_run_completes(db, home):
    document = _documents(BATCH_SIZE + 5, "Parti")
    document["services"][BATCH_SIZE + 2]["name"] = ""  # a problem in the second batch
    report = import_data(document, authority=Authority(municipality=home))
    assert report.problems and not report.saved
    assert report.batches_saved == 1 and report.services_saved == BATCH_SIZE
    assert Service.objects.filter(name__startswith="Parti").count() == BATCH_SIZE

    document["services"][BATCH_SIZE + 2]["name"] = "Parti rettet"
    report = import_data(document, authority=Authority(municipality=home))
    assert report.saved and not report.problems
    assert report.created["services"] == 5
    assert report.unchanged["services"] == BATCH_SIZE
    assert Service.objects.filter(name__startswith="Parti").count() == BATCH_SIZE + 5


def test_a_small_file_with_a_problem_saves_nothing(db, home):
    document = _documents(3, "Liten")
    document["services"][2]["name"] = ""
    report = import_data(document, authority=Authority(municipality=home))
    assert report.problems and report.batches_saved == 0
    assert not Service.objects.filter(name__startswith="Liten").exists()
