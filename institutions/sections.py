"""Sections that other apps add to an institution's page.

The registry must not import the apps that build on it (STYLE: institutions ←
metrics ← reviews), yet an institution's page shows its reports and metrics. Each
app names a function in settings.INSTITUTION_PAGE_SECTIONS; the page calls them in
order and includes what they return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Institution, User


@dataclass(frozen=True)
class Section:
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)


class SectionBuilder(Protocol):
    def __call__(self, *, user: User, institution: Institution) -> Section | None: ...


def page_sections(*, user: User, institution: Institution) -> list[Section]:
    """The sections this person may see on this institution's page, in settings order."""
    sections = []
    for path in getattr(settings, "INSTITUTION_PAGE_SECTIONS", ()):
        builder: SectionBuilder = import_string(path)
        section = builder(user=user, institution=institution)
        if section is not None:
            sections.append(section)
    return sections
