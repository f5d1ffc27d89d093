"""Who sees which review cycles: ReviewCycle.objects.visible_to(user), the one rule the
cycle list, the navigation and can_view_cycle ask; and the one "is an official"."""

import pytest
from django.contrib.auth.models import AnonymousUser

from institutions.enums import Role
from institutions.permissions import is_official
from reviews import permissions
from reviews.models import ReviewCycle
from reviews.services import cycles
from tests.factories import InstitutionFactory, UserFactory, staff_of


@pytest.fixture
def cycle_2011(mext_official):
    """A second cycle with neither institution A nor B in it."""
    return cycles.create_cycle(
        actor=mext_official, fiscal_year=2011, institutions=[InstitutionFactory(code="TLO-CCC")]
    )


def _years(user) -> list[int]:
    return sorted(ReviewCycle.objects.visible_to(user).values_list("fiscal_year", flat=True))


@pytest.mark.parametrize("persona", ["mext_official", "meti_official", "mext_reviewer"])
def test_officials_and_reviewers_see_every_cycle(request, cycle, cycle_2011, persona):
    user = request.getfixturevalue(persona)
    assert _years(user) == [2010, 2011]
    assert permissions.can_view_cycle(user, cycle_2011)


def test_staff_see_only_the_cycles_their_institution_is_in(cycle, cycle_2011, staff_a):
    assert _years(staff_a) == [2010]
    assert permissions.can_view_cycle(staff_a, cycle)
    assert not permissions.can_view_cycle(staff_a, cycle_2011)


def test_staff_of_two_institutions_in_one_cycle_see_it_once(cycle, institution_a, institution_b):
    both = staff_of(institution_a, institution_b, username="both")
    assert list(ReviewCycle.objects.visible_to(both).values_list("fiscal_year", flat=True)) == [
        2010
    ]


def test_staff_without_an_institution_see_no_cycle(cycle, institution_a):
    loose = UserFactory(role=Role.TLO_STAFF, username="loose")
    assert _years(loose) == []
    assert not permissions.can_view_cycle(loose, cycle)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMINISTRATOR])
def test_viewers_and_administrators_see_no_cycle(cycle, role):
    user = UserFactory(role=role, username=f"u-{role}")
    assert _years(user) == []
    assert not permissions.can_view_cycle(user, cycle)


def test_anonymous_sees_no_cycle(cycle):
    assert _years(AnonymousUser()) == []
    assert not permissions.can_view_cycle(AnonymousUser(), cycle)


def test_the_cycle_list_shows_staff_only_their_cycles(cycle, cycle_2011, staff_a, client_for):
    response = client_for(staff_a).get("/reviews/")
    assert [c.fiscal_year for c in response.context["cycles"]] == [2010]
    assert client_for(staff_a).get("/reviews/2011/").status_code == 404


@pytest.mark.parametrize(
    ("role", "official"),
    [
        (Role.OFFICIAL, True),
        (Role.REVIEWER, False),
        (Role.TLO_STAFF, False),
        (Role.VIEWER, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_is_official_is_the_official_role_only(db, role, official):
    ministry = "mext" if role in (Role.OFFICIAL, Role.REVIEWER) else ""
    user = UserFactory(role=role, ministry=ministry, username=f"u-{role}")
    assert is_official(user) is official
    assert user.is_official is official


def test_is_official_of_anonymous_is_false():
    assert is_official(AnonymousUser()) is False
