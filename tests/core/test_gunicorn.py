"""The production server's settings: the guide is warmed before workers fork."""

from __future__ import annotations

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
