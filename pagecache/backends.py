"""The site's cache backends: Django's Redis cache made to fail open and fast (a Redis that
is down or stalls slows nothing for long and breaks nothing), and diskcache kept
connected between requests when there is no Redis (`SharedDiskCache`, at the end).

Everything the site keeps in the cache can be recomputed: cached pages, parts
of pages, the sites' root paths Wagtail caches, rate-limit counters. So while
Redis is down a read is a miss and a write is skipped (each logged), and pages
are served uncached instead of failing; purges that could not be written stay
pending in the database (`pagecache.versions`) and nothing they cover is
served from the cache until Redis takes them; /healthz reports the cache as
degraded.

A Redis that stalls (paused, overloaded, a network that drops packets) answers
nothing until the socket timeout. After one such failure this process skips
Redis for `CACHE_RETRY_SECONDS` (a circuit breaker), so a stall costs each
process one timeout per interval rather than one per cache call.

Why not django-redis with IGNORE_EXCEPTIONS: it fails open the same way, but
has no circuit breaker (every call of every request waits out the socket
timeout while Redis stalls) and its ignored `incr` returns None, which a rate
limit would read as a count; this is Django's own backend with both added in
a page of code.
"""

import logging
import time

from diskcache import DjangoCache
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)

# Per process and Redis location: until when Redis is skipped after a failure.
_skip_until = {}


class CacheUnavailable(Exception):
    """Raised where a caller needs the answer (incr): the counter cannot be read."""


class ResilientRedisCache(RedisCache):
    def _skipping(self):
        return _skip_until.get(self._server_key, 0) > time.monotonic()

    @property
    def _server_key(self):
        return str(self._servers)

    def _down(self, operation):
        retry = getattr(settings, "CACHE_RETRY_SECONDS", 5)
        _skip_until[self._server_key] = time.monotonic() + retry
        logger.warning("Cache unavailable: %s skipped (Redis skipped for %gs)", operation, retry)

    def _call(self, operation, call, fallback):
        if self._skipping():
            return fallback()
        try:
            return call()
        except UNAVAILABLE:
            self._down(operation)
            return fallback()

    def get(self, key, default=None, version=None):
        return self._call(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def get_many(self, keys, version=None):
        return self._call(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), dict
        )

    def set(self, key, value, timeout=None, version=None):
        return self._call(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def add(self, key, value, timeout=None, version=None):
        return self._call(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: False,
        )

    def delete(self, key, version=None):
        return self._call(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), lambda: False
        )

    def set_many(self, data, timeout=None, version=None):
        return self._call(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys, version=None):
        return self._call(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: None,
        )

    def incr(self, key, delta=1, version=None):
        def unavailable():
            raise CacheUnavailable("the cache is unavailable")

        return self._call(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), unavailable
        )


class SharedDiskCache(DjangoCache):
    """diskcache's Django cache (SQLite and files, shared by every process of one machine),
    kept connected between requests.

    Django closes every cache when a request finishes; diskcache's close() shuts
    its SQLite connections, so each request opened them again (three connects and
    their PRAGMA reads for one page view, about a sixth of an uncached page's
    time). The connections are per thread and reopened after a fork (diskcache
    checks the process id), so keeping them is safe.
    """

    def close(self, **kwargs):
        pass
