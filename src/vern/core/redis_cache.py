"""Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` for every
cache operation; each one builds its table of reply callbacks (some 170
entries, each name upper-cased), which cost about 0.1 ms an operation on our
2-core machine, several times a request on the pages that count or are kept
(the API's rate limits, ``core.page_cache``). The client is thread-safe and
holds no connection of its own (the pool does, and reopens after a fork), so
one per pool is kept.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

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
