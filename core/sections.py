"""Parts of a page that other apps contribute, named in settings.

A lower app must not import the apps that build on it (STYLE: institutions ← metrics
← reviews), yet the header's navigation, the home page and an institution's page show
what every app has. Each app names its builder functions in a settings list; the page
calls them in order with the same keyword arguments and shows what they return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    """A template included into a page, with its context."""

    template_name: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NavItem:
    """A link of the header's navigation, also shown as a card on the home page."""

    key: str  # a stable id for the link (tests, CSS): nav-<key>
    label: str
    url: str
    description: str = ""


def contributions(setting: str, **kwargs: Any) -> list[Any]:
    """Call every builder named in `settings.<setting>` with `kwargs`; keep what they give.

    A builder returns one item, a list of items, or None (nothing for this person).
    """
    found: list[Any] = []
    for path in getattr(settings, setting, ()):
        result = import_string(path)(**kwargs)
        if result is None:
            continue
        found.extend(result if isinstance(result, list) else [result])
    return found
