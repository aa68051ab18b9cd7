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
up when its cache is down. After a failure to connect or a timeout the process
(all its threads) leaves Redis alone for ``RETRY_SECONDS``, so a Redis that does
not answer costs a page one timeout (``socket_timeout`` in the cache's OPTIONS,
settings.py), not one per operation; a lock's release (``delete``) is tried even
then. What must not be lost in that time (``page_cache.bump``) is done again
once Redis answers (``when_back``). An error Redis answers with (out of memory,
read-only) fails that one operation the same way, without the pause. Each outage
is logged when it starts, every ``LOG_SECONDS`` while it lasts, and when it ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
    refused_logged_at: float = -LOG_SECONDS
    # What must reach Redis once it answers again (``when_back``), by a key that says
    # what it is, so that the same thing asked for twice is done once.
    pending: dict[str, Callable[[], None]] = field(default_factory=dict)

    def reset(self) -> None:
        self.__init__()


outages: dict[tuple, Outage] = {}  # by the cache's servers


def forget_outages() -> None:
    """Forget every outage this process knows of (tests)."""
    for outage in outages.values():
        outage.reset()


def when_back(cache, key: str, callback: Callable[[], None]) -> None:
    """If ``cache`` is a Redis cache this process knows to be down, call ``callback``
    once it answers again (what was skipped, such as retiring kept pages, is not lost
    while this process lives). Otherwise nothing: the write reached the cache."""
    client = getattr(cache, "_cache", None)
    if isinstance(client, RedisCacheClient) and client._outage.since is not None:
        client._outage.pending[key] = callback


def _missing(key):
    raise ValueError(f"Key '{key}' not found.")  # what an empty cache answers to incr


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}
        self._scripts: dict = {}
        self._outage = outages.setdefault(tuple(self._servers), Outage())

    def _ask(self, operation, fallback, *args, always: bool = False):
        """``operation(*args)``; while Redis cannot be reached, ``fallback(*args)``:
        what an empty cache that keeps nothing would answer. ``always``: try Redis even
        in the pause after a failure (a lock's release, which others wait for)."""
        now = time.monotonic()
        outage = self._outage
        if now < outage.down_until and not always:
            return fallback(*args)
        errors = self._lib.exceptions
        try:
            value = operation(*args)
        except (errors.ConnectionError, errors.TimeoutError):
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
        except errors.RedisError:
            # Redis answered, with an error (out of memory, read-only): this operation
            # goes without the cache, the next one asks again.
            if now - outage.refused_logged_at >= LOG_SECONDS:
                outage.refused_logged_at = now
                logger.warning("The cache (Redis) refused an operation", exc_info=True)
            return fallback(*args)
        if outage.since is not None:
            logger.warning("The cache (Redis) answers again after %.0f s", now - outage.since)
            outage.since = None
            pending, outage.pending = outage.pending, {}
            for callback in pending.values():
                try:
                    callback()
                except Exception:  # the page asking goes on; the log says what was lost
                    logger.exception("What waited for the cache (Redis) to answer failed")
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
        return self._ask(super().delete, lambda *_: False, key, always=True)

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
