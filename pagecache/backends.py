"""Django's Redis cache, made to fail open: a Redis that is down slows nothing and breaks nothing.

Everything the site keeps in the cache can be recomputed: cached pages, the
sites' root paths Wagtail caches, rate-limit counters. So while Redis is down
a read is a miss and a write is skipped (each logged), and pages are served
uncached instead of failing; /healthz still reports the cache as down.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


class CacheUnavailable(Exception):
    """Raised where a caller needs the answer (incr): the counter cannot be read."""


class ResilientRedisCache(RedisCache):
    def _down(self, operation):
        logger.warning("Cache unavailable: %s skipped", operation)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            self._down("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE:
            self._down("get_many")
            return {}

    def set(self, key, value, timeout=None, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE:
            self._down("set")

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE:
            self._down("add")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE:
            self._down("delete")
            return False

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE:
            self._down("set_many")
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE:
            self._down("delete_many")

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            self._down("incr")
            raise CacheUnavailable(str(error)) from None
