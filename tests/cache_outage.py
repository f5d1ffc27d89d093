"""A page cache whose Redis is down: the project's own Redis settings
(config.settings.base.cache_from_url) pointed at a port nobody listens on, so that tests
running in parallel keep their own cache."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import override_settings

from config.settings.base import cache_from_url


def closed_port() -> int:
    """A local TCP port that was free a moment ago and has no listener."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_down() -> Iterator[None]:
    """The default cache is Redis at a closed port (connection refused on every call)."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES={"default": cache_from_url(url)}):
        yield
