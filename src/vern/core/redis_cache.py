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
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# Django's incr: a missing key is an error (ValueError), never created.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}
        self._scripts: dict = {}

    def incr(self, key, delta):
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
