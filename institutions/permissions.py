"""Who may do what with the registry and the people in it. One predicate per rule."""

from __future__ import annotations

from .models import Institution, User


def is_official(user: User) -> bool:
    """An official of either ministry (User.is_official, the one place the role is
    compared), for any person, signed in or not: the predicate permission rules and
    workflow tables use."""
    return user.is_authenticated and user.is_official


def can_view_registry(user: User) -> bool:
    """The registry is public information; every signed-in person may read it."""
    return user.is_authenticated


def can_manage_registry(user: User) -> bool:
    """Officials of either ministry and administrators add and update institutions."""
    return is_official(user) or (user.is_authenticated and user.is_administrator)


def is_member(user: User, institution: Institution) -> bool:
    """The person is TLO staff of this institution."""
    if not user.is_authenticated or not user.is_tlo_staff:
        return False
    return user.memberships.filter(institution=institution).exists()


def can_see_all_institutions(user: User) -> bool:
    """Officials and administrators see every institution's named data."""
    return is_official(user) or (user.is_authenticated and user.is_administrator)
