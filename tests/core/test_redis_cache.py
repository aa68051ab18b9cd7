"""The Redis cache backend keeps one client per connection pool (core/redis_cache.py)."""

from __future__ import annotations

import socket

import pytest

from vern.core.redis_cache import RedisCache

URL = "redis://127.0.0.1:6379/13"


def _redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return True
    except OSError:
        return False


def test_every_operation_uses_the_same_client():
    cache = RedisCache(URL, {})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool


@pytest.mark.skipif(not _redis_running(), reason="needs Redis on 127.0.0.1:6379")
def test_values_go_in_and_come_out():
    cache = RedisCache(URL, {})
    cache.set("vern-test-key", {"n": 1}, 10)
    assert cache.get("vern-test-key") == {"n": 1}
    cache.delete("vern-test-count")
    assert cache.add("vern-test-count", 1, 10)
    assert cache.incr("vern-test-count") == 2
    cache.delete_many(["vern-test-key", "vern-test-count"])
    assert cache.get("vern-test-key") is None
