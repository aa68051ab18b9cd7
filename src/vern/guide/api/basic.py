"""The services of an API page as HSDS's basic representation, kept in the shared
cache per saved version of each service (issue 15).

A page of fifty services cost about 10 ms on our 2-core machine: the fifty rows
and their organisations made into model objects, then into dictionaries.
Each service's dictionary is now kept in the cache under what it was made
from: the service's ``updated_at`` (every write moves it), what this process
last saw of the changes outside the change log (an organisation renamed:
``snapshot.outside_log``) and the release (``page_cache.release``: the code
that made it). A page asks the database one small question, which of its
services are public and when they were saved, takes what the cache has, and
makes only the rest. A service withdrawn a moment ago is therefore left out
at once, however its dictionary was kept.

Only public fields are kept (``hsds.service_basic`` without ``full``), so the
shared cache holds nothing the API does not show anyone.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from django.core.cache import cache

from vern.core.page_cache import TIMEOUT, release
from vern.directory import hsds
from vern.directory.selectors import public_services
from vern.guide import service_pages
from vern.guide.index import guide_index
from vern.guide.snapshot import snapshot


def as_utc(stamp) -> datetime:
    """An entry's ``updated_at`` as the database gave it (SQLite: naive UTC)."""
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _key(pk, saved: datetime, stamp: str) -> str:
    made_from = f"{release()}:{stamp}:{pk}:{saved.isoformat()}"
    return "hsds:basic:" + hashlib.sha256(made_from.encode()).hexdigest()[:32]


def services_basic(ids: list) -> list[dict]:
    """``hsds.service_basic`` of the services ``ids`` that are public now, in
    the order of ``ids``."""
    saved = {pk: as_utc(stamp) for pk, stamp in service_pages.saved_at_all(ids).items()}
    if not saved:
        return []
    guide_index()  # checks for changes: the stamp below is at most a moment old
    stamp = snapshot.outside_log()
    keys = {pk: _key(pk, saved[pk], stamp) for pk in ids if pk in saved}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        made = {}
        page = (
            public_services()
            .filter(pk__in=missing)
            .select_related("organization")
            .only(*hsds.SERVICE_BASIC_FIELDS)  # not the search document and the other long texts
        )
        for service in page:
            data = hsds.service_basic(service)
            found[keys[service.pk]] = data
            if service.updated_at == saved[service.pk]:  # not saved again since asked
                made[keys[service.pk]] = data
        if made:
            cache.set_many(made, TIMEOUT)
    return [found[keys[pk]] for pk in keys if keys[pk] in found]
