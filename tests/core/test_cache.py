"""The shared cache over a real Redis (the tests' broker database, under a key prefix of its own), as production
and the benchmark use it."""

import os
import subprocess
import sys

import pytest

from core.cache import SharedRedisCache

REDIS = "redis://127.0.0.1:6379/15"
KEYS = ["vocabulary", "a", "b", "c"]


@pytest.fixture
def shared():
    cache = SharedRedisCache(REDIS, {"KEY_PREFIX": "test-shared-cache"})
    cache.delete_many(KEYS)
    yield cache
    cache.delete_many(KEYS)


def test_the_shared_cache_keeps_reads_and_writes_as_django_s_own(shared):
    shared.set("vocabulary", {"ideas": [("fly-tipping", "illegal dumping")]}, 30)
    shared.set_many({"a": 1, "b": 2}, 30)
    assert shared.get("vocabulary") == {"ideas": [("fly-tipping", "illegal dumping")]}
    assert shared.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert shared.incr("a") == 2
    shared.delete("b")
    assert shared.get("b", "gone") == "gone"
    assert shared.add("a", 9) is False  # kept: add never overwrites


def test_the_shared_cache_builds_its_redis_client_once(shared):
    """Django's own backend built a client per call (0.1 ms each, about ten a search page)."""
    first = shared._cache.get_client("a")
    shared.set("a", 1, 30)
    assert shared._cache.get_client("a", write=True) is first


def test_a_redis_address_in_the_settings_gives_the_shared_cache():
    """CACHE_URL=redis://… (production, `make run`, the benchmark) is served by SharedRedisCache."""
    code = "from config.settings import base; print(base.CACHES['default']['BACKEND'])"
    env = {**os.environ, "CACHE_URL": REDIS}
    printed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert printed.stdout.strip() == "core.cache.SharedRedisCache"
