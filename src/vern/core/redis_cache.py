"""Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` for every
cache operation; each one builds its table of reply callbacks (some 170
entries, each name upper-cased), which cost about 0.1 ms an operation on our
2-core machine, several times a request on the pages that count or are kept
(the API's rate limits, ``core.page_cache``). The client is thread-safe and
holds no connection of its own (the pool does, and reopens after a fork), so
one per pool is kept.

``incr`` is one round trip instead of Django's two (EXISTS, then INCRBY): the
per-address rate limits (django-ratelimit: ``add``, then ``incr``) run on every
API request, twice on a search.

While Redis cannot be reached, the cache acts as an empty cache that keeps
nothing, as Django's memcached backends do, instead of failing the request:
the public pages are made instead of read, rate limits count from zero (they
let requests through), a PDF is rendered by whoever asks. The guide must stay
up when its cache is down. After a failure the process (all its threads) leaves
Redis alone for ``RETRY_SECONDS``, so a Redis that does not answer costs a page one timeout
(``socket_timeout`` in the cache's OPTIONS, settings.py), not one per operation.
Each outage is logged when it starts, every ``LOG_SECONDS`` while it lasts, and
when it ends.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# Django's incr: a missing key is an error (ValueError), never created.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""

RETRY_SECONDS = 5.0
LOG_SECONDS = 60.0

logger = logging.getLogger(__name__)


@dataclass
class Outage:
    """What this process knows of one Redis being down. Shared by its threads (Django
    makes a cache object per thread), so one outage is logged once, not once a thread."""

    down_until: float = 0.0  # monotonic time before which Redis is not asked
    since: float | None = None
    logged_at: float = 0.0


outages: dict[tuple, Outage] = {}  # by the cache's servers


def _missing(key):
    raise ValueError(f"Key '{key}' not found.")  # what an empty cache answers to incr


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}
        self._scripts: dict = {}
        self._outage = outages.setdefault(tuple(self._servers), Outage())

    def _ask(self, operation, fallback, *args):
        """``operation(*args)``; while Redis cannot be reached, ``fallback(*args)``:
        what an empty cache that keeps nothing would answer."""
        now = time.monotonic()
        outage = self._outage
        if now < outage.down_until:
            return fallback(*args)
        try:
            value = operation(*args)
        except self._lib.exceptions.RedisError:
            outage.down_until = now + RETRY_SECONDS
            if outage.since is None or now - outage.logged_at >= LOG_SECONDS:
                still = "" if outage.since is None else " (still)"
                outage.since = outage.since or now
                outage.logged_at = now
                logger.warning(
                    "The cache (Redis) cannot be reached%s; pages are made without it",
                    still,
                    exc_info=True,
                )
            return fallback(*args)
        if outage.since is not None:
            logger.warning("The cache (Redis) answers again after %.0f s", now - outage.since)
            outage.since = None
        return value

    # An empty cache that keeps nothing: ``add`` says it stored the value, so that
    # whoever asks goes on as the first (renders the PDF itself, counts from zero).
    def add(self, key, value, timeout):
        return self._ask(super().add, lambda *_: True, key, value, timeout)

    def get(self, key, default):
        return self._ask(super().get, lambda *_: default, key, default)

    def set(self, key, value, timeout):
        return self._ask(super().set, lambda *_: None, key, value, timeout)

    def touch(self, key, timeout):
        return self._ask(super().touch, lambda *_: False, key, timeout)

    def delete(self, key):
        return self._ask(super().delete, lambda *_: False, key)

    def get_many(self, keys):
        return self._ask(super().get_many, lambda *_: {}, keys)

    def has_key(self, key):
        return self._ask(super().has_key, lambda *_: False, key)

    def incr(self, key, delta):
        return self._ask(self._incr, lambda *_: _missing(key), key, delta)

    def set_many(self, data, timeout):
        return self._ask(super().set_many, lambda *_: None, data, timeout)

    def delete_many(self, keys):
        return self._ask(super().delete_many, lambda *_: None, keys)

    def clear(self):
        return self._ask(super().clear, lambda *_: False)

    def _incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(_INCR_EXISTING)
        value = script(keys=[key], args=[delta])  # EVALSHA; loaded again if Redis forgot it
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
