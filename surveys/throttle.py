"""Rate limits of the answer page, per address and per token (Django's cache).

A fixed window per key: the first hit starts it, later hits count up to the limit.
With several web processes the cache must be shared (Redis) for the limit to hold
across them; the default in-process cache limits each process."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _limit(name: str, default: tuple[int, int]) -> tuple[int, int]:
    return tuple(getattr(settings, name, default))  # type: ignore[return-value]


def allow(scope: str, key: str, *, setting: str, default: tuple[int, int]) -> bool:
    """Count a hit for `key`; False once it passed its limit within the window."""
    limit, window = _limit(setting, default)
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    cache_key = f"surveys:throttle:{scope}:{digest}"
    if cache.add(cache_key, 1, timeout=window):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        return True
    return count <= limit


# (requests, seconds): answer-page requests from one address, answers posted per token.
PER_ADDRESS = (60, 600)
PER_TOKEN = (10, 3600)


def allow_address(address: str) -> bool:
    return allow("address", address, setting="SURVEY_ANSWER_RATE_PER_ADDRESS", default=PER_ADDRESS)


def allow_token(token: str) -> bool:
    return allow("token", token, setting="SURVEY_ANSWER_RATE_PER_TOKEN", default=PER_TOKEN)
