"""Who may do what with the registry and the people in it. One predicate per rule."""

from __future__ import annotations

from .enums import Role
from .models import Institution, User


def can_view_registry(user: User) -> bool:
    """The registry is public information; every signed-in person may read it."""
    return user.is_authenticated


def can_manage_registry(user: User) -> bool:
    """Officials of either ministry and administrators add and update institutions."""
    return user.is_authenticated and (user.role == Role.OFFICIAL or user.is_administrator)


def is_member(user: User, institution: Institution) -> bool:
    """The person is TLO staff of this institution."""
    if not user.is_authenticated or user.role != Role.TLO_STAFF:
        return False
    return user.memberships.filter(institution=institution).exists()


def can_see_all_institutions(user: User) -> bool:
    """Officials and administrators see every institution's named data."""
    return user.is_authenticated and (user.role == Role.OFFICIAL or user.is_administrator)
