"""The Redis cache backend keeps one client per connection pool (core/redis_cache.py)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

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


@pytest.mark.skipif(not _redis_running(), reason="needs Redis on 127.0.0.1:6379")
def test_incr_counts_an_existing_key_in_one_round_trip_and_refuses_a_missing_one():
    cache = RedisCache(URL, {})
    cache.delete_many(["vern-test-count", "vern-test-missing"])
    cache.add("vern-test-count", 5, 10)
    client = cache._cache.get_client("vern-test-count")
    sent = []
    original = client.execute_command

    def counting(*args, **kwargs):
        sent.append(args[0])
        return original(*args, **kwargs)

    client.execute_command = counting
    try:
        assert cache.incr("vern-test-count", 3) == 8
        assert cache.get("vern-test-count") == 8  # still read back as a number
        assert len(sent) == 2  # the increment, then the read
        with pytest.raises(ValueError, match="not found"):
            cache.incr("vern-test-missing")
        assert cache.get("vern-test-missing") is None  # not created by the attempt
        client.script_flush()  # Redis restarted: the script is loaded again
        assert cache.incr("vern-test-count") == 9
    finally:
        client.execute_command = original
        cache.delete_many(["vern-test-count", "vern-test-missing"])


# --- when Redis cannot be reached ------------------------------------------------

# Nothing listens on port 1: a connection is refused at once.
DOWN = "redis://127.0.0.1:1/0"


def test_a_redis_that_cannot_be_reached_answers_as_an_empty_cache(caplog):
    cache = RedisCache(DOWN, {})
    assert cache.get("a") is None
    assert cache.get("a", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    cache.set("a", 1, 10)
    cache.set_many({"a": 1, "b": 2}, 10)
    # ``add`` says it stored the value: whoever asks goes on as the first.
    assert cache.add("lock", 1, 10) is True
    with pytest.raises(ValueError, match="not found"):
        cache.incr("count")
    assert cache.delete("a") is False
    cache.delete_many(["a", "b"])
    assert cache.touch("a", 10) is False
    warnings = [r for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert len(warnings) == 1  # once when the outage starts, not once an operation
    # Another cache object (Django makes one per thread) knows of the same outage.
    assert RedisCache(DOWN, {}).get("a") is None
    assert len([r for r in caplog.records if "cannot be reached" in r.getMessage()]) == 1


def test_after_a_failure_redis_is_left_alone_for_a_while_then_asked_again(monkeypatch, caplog):
    cache = RedisCache(DOWN, {})
    attempts = []
    asks_redis = DjangoRedisCacheClient.get

    def counted(self, key, default):
        attempts.append(key)
        return asks_redis(self, key, default)

    monkeypatch.setattr(DjangoRedisCacheClient, "get", counted)
    assert cache.get("a") is None
    assert cache.get("b") is None
    assert len(attempts) == 1  # the second was answered without asking

    cache._cache._outage.down_until = 0.0  # the pause is over
    monkeypatch.setattr(DjangoRedisCacheClient, "get", lambda self, key, default: "back")
    assert cache.get("c") == "back"
    assert "answers again" in caplog.text


def test_a_redis_that_accepts_but_never_answers_costs_one_timeout_not_a_hang(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # connections complete in the backlog; nothing is ever read or sent
    url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    cache = RedisCache(url, {"OPTIONS": settings.VERN_REDIS_OPTIONS})
    answers = []
    asking = threading.Thread(target=lambda: answers.extend([cache.get("a"), cache.get("b")]))
    asking.start()
    asking.join(timeout=10)
    listener.close()
    assert not asking.is_alive(), "a Redis that never answers held the request"
    assert answers == [None, None]


def test_an_error_redis_answers_with_fails_that_operation_only(caplog):
    """Out of memory or read-only: Redis is there, so the next operation asks it again."""
    cache = RedisCache(DOWN, {})
    refusal = redis.exceptions.ResponseError(
        "OOM command not allowed when used memory > 'maxmemory'"
    )
    calls = []

    def refused(self, key, default):
        calls.append(key)
        raise refusal

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DjangoRedisCacheClient, "get", refused)
        assert cache.get("a", "default") == "default"
        assert cache.get("b", "default") == "default"
    assert calls == [":1:a", ":1:b"]  # no pause after a refusal
    assert "refused an operation" in caplog.text


def test_an_error_of_vern_s_own_is_not_taken_for_an_outage():
    cache = RedisCache(DOWN, {})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DjangoRedisCacheClient, "get", lambda self, key, default: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            cache.get("a")


def test_a_lock_is_released_even_in_the_pause_after_a_failure():
    cache = RedisCache(DOWN, {})
    assert cache.get("a") is None  # refused: the pause begins
    deletes = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DjangoRedisCacheClient, "delete", lambda self, key: deletes.append(key))
        patch.setattr(DjangoRedisCacheClient, "get", lambda self, key, default: "asked")
        cache.delete("lock")
        assert cache.get("a") is None  # other operations still wait for the pause to end
    assert deletes == [":1:lock"]


@pytest.mark.skipif(not _redis_running(), reason="needs Redis on 127.0.0.1:6379")
def test_kept_pages_retired_while_redis_was_down_are_retired_once_it_is_back(
    db, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from vern.core import page_cache, redis_cache

    settings.CACHES = {"default": {"BACKEND": "vern.core.redis_cache.RedisCache", "LOCATION": URL}}
    cache.clear()
    before = page_cache.generation("plans")
    outage = redis_cache.outages[(URL,)]
    outage.since, outage.down_until = time.monotonic(), time.monotonic() + 60  # down
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.bump("plans")  # runs on commit, and reaches nothing
    outage.down_until = 0.0  # the pause is over
    assert cache.get("anything") is None  # Redis answers: what waited is done
    assert page_cache.generation("plans") == before + 1
    assert not outage.pending
    cache.clear()
