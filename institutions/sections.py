"""Sections that other apps add to an institution's page (core.sections).

Each app names a function in settings.INSTITUTION_PAGE_SECTIONS; the page calls them in
order and includes what they return.
"""

from __future__ import annotations

from core.sections import Section, contributions

from .models import Institution, User

__all__ = ["Section", "page_sections"]


def page_sections(*, user: User, institution: Institution) -> list[Section]:
    """The sections this person may see on this institution's page, in settings order."""
    return contributions("INSTITUTION_PAGE_SECTIONS", user=user, institution=institution)
