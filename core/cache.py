"""Computed page data, cached with Django's cache framework and keyed by what it depends on.

The dashboards, the benchmark, an institution's metrics, a metric's page and the
deliberation recompute the same figures for every reader until something is written. A
page's data is cached under a key made of:

- the data version (core.models.DataVersion), which every service that can change what
  a page shows moves on with `bump_data_version()` inside its own transaction: a rolled
  back write moves nothing, and a committed one makes every older key unreachable on the
  next request;
- the page, the reader's audience (institutions.audience: named or anonymised, and for
  TLO staff their institutions), the filters and the amount unit, given by the caller;
- the language of the request.

A page's template may also keep its rendered HTML under the same key (`{% cache %}` with
`fragment_key`), so that a warm request neither computes nor draws the figures again.

The version is read before the data is computed, so an entry never holds data older
than its version (at worst newer, under a key nobody will ask for again). Old entries
are never deleted: they expire after PAGE_CACHE_TIMEOUT.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models import F
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .models import DataVersion

T = TypeVar("T")
CACHE_ALIAS = "default"
KEY_PREFIX = "page"


def current_data_version() -> int:
    """The data version now (one query); 0 before the first write."""
    found = (
        DataVersion.objects.filter(pk=DataVersion.SINGLETON)
        .values_list("number", flat=True)
        .first()
    )
    return found or 0


def current_report_list_version() -> tuple[int, int]:
    """The versions the report list depends on (one query): the data version (the
    registry's names, accepted reports) and the report version (any report write)."""
    found = (
        DataVersion.objects.filter(pk=DataVersion.SINGLETON)
        .values_list("number", "reports")
        .first()
    )
    return found or (0, 0)


def _bump(field: str) -> None:
    row = DataVersion.objects.filter(pk=DataVersion.SINGLETON)
    if not row.update(**{field: F(field) + 1}):
        DataVersion.objects.get_or_create(pk=DataVersion.SINGLETON)
        row.update(**{field: F(field) + 1})


def bump_data_version() -> None:
    """Move the data version on, in the caller's transaction (services call it once, when
    they changed something a page shows). The row lock it takes orders concurrent writers."""
    _bump("number")


def bump_report_version() -> None:
    """Move the report version on, in the caller's transaction: every write to an annual
    report (metrics.services.reports), a draft's included, so that the report list
    (which shows drafts and their times) is never served from before it."""
    _bump("reports")


def plain(value: Any) -> Any:
    """`value` as plain tuples, strings and numbers, so that equal parts give one key
    (an enum member and its string; a frozen dataclass and its fields)."""
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple((f.name, plain(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return tuple(sorted((str(k), plain(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(plain(item) for item in value))
    raise TypeError(f"{type(value).__name__} cannot be part of a page cache key")


def page_cache_key(page: str, parts: Any, *, version: int | tuple[int, ...]) -> str:
    """The key of a page's data: its name, the version (or versions), and a digest of
    `parts` (all the data depends on besides the version) and of the language."""
    text = repr((plain(parts), get_language() or ""))
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    numbers = ".".join(str(n) for n in version) if isinstance(version, tuple) else version
    return f"{KEY_PREFIX}:{page}:v{numbers}:{digest}"


def page_key(page: str, parts: Any) -> str:
    """The key of `page`'s data for `parts` (audience, filters, unit, …) now: one query
    for the version. `parts` is made of strings, numbers, enums, and tuples, lists, dicts
    or dataclasses of those (core.cache.plain)."""
    return page_cache_key(page, parts, version=current_data_version())


def cached_page_data(page: str, parts: Any, compute: Callable[[], T]) -> T:
    """The data of `page` for `parts`: from the cache, or computed by `compute()` and
    stored."""
    return cached_data(page_key(page, parts), compute)


def lazily_cached_data(key: str, compute: Callable[[], T]) -> T:
    """cached_data, fetched only when first used: for a page whose rendered HTML is
    cached under the same key, a warm request never loads the data at all."""
    return SimpleLazyObject(lambda: cached_data(key, compute))  # type: ignore[return-value]


def cached_data(key: str, compute: Callable[[], T]) -> T:
    """The data under `key` (from page_key), or `compute()` stored under it."""
    cache = caches[CACHE_ALIAS]
    found = cache.get(key)
    if found is not None:
        return found
    data = compute()
    cache.set(key, data, timeout=getattr(settings, "PAGE_CACHE_TIMEOUT", 3600))
    return data
