"""The production server's settings: the guide is warmed before workers fork."""

from __future__ import annotations

import gc
import re

import pytest

from tests.directory.factories import ServiceFactory
from vern import gunicorn
from vern.guide.index import guide_index
from vern.guide.snapshot import snapshot


@pytest.mark.django_db(transaction=True)
def test_warming_builds_the_guide_through_the_whole_app(home):
    ServiceFactory(owner=home, name="Krisesenteret")
    snapshot.clear()

    statuses = gunicorn.warm()

    assert statuses == {"/sok/?q=vold": 200, "/api/hsds/services?search=vold": 200, "/": 200}
    assert snapshot._values, "the guide's values were not built"
    assert guide_index()._postings is not None, "the API search's postings were not built"


def test_the_settings_preload_the_app_and_bound_requests():
    assert gunicorn.preload_app is True
    assert gunicorn.workers >= 1
    assert gunicorn.timeout <= 120


@pytest.mark.django_db(transaction=True)
def test_when_ready_logs_the_warm_up_and_its_memory(home):
    ServiceFactory(owner=home, name="Krisesenteret")
    snapshot.clear()
    lines: list[str] = []

    class Log:
        def info(self, message, *args):
            lines.append(message % args)

        def exception(self, message, *args):
            lines.append("failed: " + message % args)

    class Server:
        log = Log()

    try:
        gunicorn.when_ready(Server())
        # What the workers inherit is left out of their collections.
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()

    assert frozen > 0
    assert len(lines) == 1 and lines[0].startswith("Vern: guide warmed in"), lines
    assert "/sok/?q=vold 200" in lines[0]
    figures = re.search(
        r"memory (\d+) MB, (\d+) MB after a plain page and the cache, (\d+) MB after the guide",
        lines[0],
    )
    assert figures, lines[0]
    before, plain, after = (int(n) for n in figures.groups())
    # Freed memory goes back to the system before the figure is read, so the guide's
    # figure can be below the plain page's in a process that freed much before.
    assert before > 0 and plain > 0 and after > 0
