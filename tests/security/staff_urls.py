"""Find every staff URL from the resolver and check it against the house rules.

Used by the shared tenancy and audit tests. Nothing here lists URLs by hand:
a new app's staff pages are found through ``vern.urls`` automatically, and a
page that takes an object id must have a builder in ``OBJECT_BUILDERS`` (the
test says so when one is missing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from vern.core.models import Municipality

STAFF_PREFIX = "ansatt/"


@dataclass(frozen=True)
class StaffURL:
    name: str  # "namespace:name"
    route: str
    callback: Callable
    params: tuple[str, ...]


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield route, name, entry


def staff_urls(urlconf: str | None = None) -> list[StaffURL]:
    found = []
    for route, name, pattern in _walk(get_resolver(urlconf).url_patterns):
        # The language prefix pattern renders as "" for the default language.
        if not route.lstrip("/").startswith(STAFF_PREFIX):
            continue
        found.append(
            StaffURL(
                name=name,
                route=route,
                callback=pattern.callback,
                params=tuple(pattern.pattern.converters),
            )
        )
    return found


# Builders make one object of the given municipality and return the URL
# kwargs that point at it. Add one for every new staff URL with an id.
Builder = Callable[[Municipality], dict[str, Any]]
OBJECT_BUILDERS: dict[str, Builder] = {}


def builds(*names: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        for name in names:
            OBJECT_BUILDERS[name] = builder
        return builder

    return register


# Unit builders make one object of the given municipality in the given unit,
# put ``users`` on its access list if it has one, and return the URL kwargs.
# Every staff URL of a ``unit_scoped`` view with an id needs one.
UnitBuilder = Callable[..., dict[str, Any]]
UNIT_BUILDERS: dict[str, UnitBuilder] = {}


def builds_in_unit(*names: str) -> Callable[[UnitBuilder], UnitBuilder]:
    def register(builder: UnitBuilder) -> UnitBuilder:
        for name in names:
            UNIT_BUILDERS[name] = builder
        return builder

    return register
