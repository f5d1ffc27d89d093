"""The Redis cache of page data (core.cache), made safe to lose.

Cached page data and rendered fragments are only ever a copy of what the database says:
when Redis is down (connection refused, a timeout), a page is computed and served
uncached rather than answered with a 500. `FailSafeRedisCache` is Django's RedisCache
whose reads answer "not cached" and whose writes store nothing while the server cannot
be reached; it logs one warning when the cache goes away and one when it is back.

Only the page cache's operations are softened (get, set, get_many, set_many, delete,
delete_many, touch, has_key): `add` and `incr`, which the survey page's rate limit counts
with, still raise, so that a limit is never silently lifted.

After a failure this process does not ask the server again for RETRY_AFTER seconds, so
that a Redis that hangs (rather than refuses) costs one socket timeout per process, not
one per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_AFTER = 5.0  # seconds without asking a server that just failed


class FailSafeRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    def _attempt(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        if self._down_until and time.monotonic() < self._down_until:
            return fallback
        try:
            found = call()
        except Exception as problem:  # redis.RedisError, OSError: any fault of the server
            if not self._down_until:
                logger.warning(
                    "Page cache unavailable (%s: %s: %s); pages are served uncached.",
                    operation,
                    type(problem).__name__,
                    problem,
                )
            self._down_until = time.monotonic() + RETRY_AFTER
            return fallback
        if self._down_until:
            logger.warning("Page cache available again.")
            self._down_until = 0.0
        return found

    def get(self, key, default=None, version=None):
        return self._attempt(
            "get", lambda: super(FailSafeRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys, version=None):
        return self._attempt(
            "get_many", lambda: super(FailSafeRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key, version=None):
        return self._attempt(
            "has_key", lambda: super(FailSafeRedisCache, self).has_key(key, version), False
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(
            "set", lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version), None
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(
            "set_many",
            lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(
            "touch", lambda: super(FailSafeRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._attempt(
            "delete", lambda: super(FailSafeRedisCache, self).delete(key, version), False
        )

    def delete_many(self, keys, version=None):
        self._attempt(
            "delete_many", lambda: super(FailSafeRedisCache, self).delete_many(keys, version), None
        )
