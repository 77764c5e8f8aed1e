"""The shared cache (Redis), as Django's own backend but with one Redis client per connection pool."""

import functools

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ClientKept(RedisCacheClient):
    """Django's Redis cache client builds a new redis.Redis for every cache call, and building one fills its
    table of some 170 reply handlers: 0.10 ms, twice the 0.05 ms of a GET itself, about ten times a search
    page. One client per connection pool is kept instead (a client borrows a connection from its pool for
    each command, as the ones built per call did)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django builds each client as self._client(connection_pool=pool): built once per pool from now on
        self._client = functools.cache(self._client)  # type: ignore[has-type]  # not in django-stubs


class SharedRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache with its clients kept (_ClientKept)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientKept
