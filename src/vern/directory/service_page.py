"""A public service page's entry, kept per process between visits (issue 15).

Loading everything the page shows takes seven queries (the service with its
organisation and owner, then phones, hours, terms, languages, translations and
places). A visit now asks one small query, the entry's *stamp*: when the
service, its organisation and the newest of its locations last changed. The
loaded entry is kept under that stamp, so any save (every write path moves
``updated_at``: the service's own rows through ``service_save``, an
organisation's services through ``organization_save``, a location through its
own ``updated_at``) makes the next visit load it afresh: never a stale page.

The copy lives in this process's memory only, never in the shared cache, since
it holds the places' full rows (a confidential address among them), which the
page itself never shows.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from django.db.models import Max, Prefetch

from vern.directory import selectors
from vern.directory.models import Service, ServiceAtLocation

MAX_KEPT = 2_000  # entries kept per process; the least recently shown go first

_kept: OrderedDict[object, tuple[tuple, Service]] = OrderedDict()
_lock = threading.Lock()


def _stamp(pk) -> tuple | None:
    """When the public entry and what it shows last changed; None if it is not public."""
    return (
        selectors.public_services()
        .filter(pk=pk)
        .annotate(latest_place=Max("service_at_locations__location__updated_at"))
        .values_list("updated_at", "organization__updated_at", "owner_id", "latest_place")
        .first()
    )


def _load(pk) -> Service | None:
    services = selectors.with_card_details(selectors.public_services().filter(pk=pk))
    services = services.prefetch_related(
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by(
                "location__name"
            ),
        )
    )
    return services.first()


def public_service(pk) -> Service | None:
    """The public service ``pk`` with everything its page shows, or None.

    Returns a shallow copy: the page may set attributes on it (open now, the
    link back) without touching the kept entry other requests read.
    """
    stamp = _stamp(pk)
    if stamp is None:
        return None
    with _lock:
        kept = _kept.get(pk)
        if kept is not None and kept[0] == stamp:
            _kept.move_to_end(pk)
            return copy.copy(kept[1])
    service = _load(pk)
    if service is None:
        return None
    with _lock:
        _kept[pk] = (stamp, service)
        _kept.move_to_end(pk)
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return copy.copy(service)
