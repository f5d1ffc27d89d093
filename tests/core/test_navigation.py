"""The header's links come from each app's permissions, not from roles in templates."""

import pytest

pytestmark = pytest.mark.django_db


def _links(client):
    return [item.key for item in client.get("/").context["navigation"]]


def test_navigation_per_person(client_for, staff_a, mext_official, mext_reviewer, viewer):
    assert _links(client_for(staff_a)) == [
        "dashboards",
        "reports",
        "import",
        "metrics",
        "institutions",
        "timeline",
        "reviews",
        "surveys",
    ]
    assert _links(client_for(mext_official)) == [
        "dashboards",
        "reports",
        "collection",
        "import",
        "metrics",
        "institutions",
        "timeline",
        "outbox",
        "reviews",
        "surveys",
    ]
    assert _links(client_for(mext_reviewer)) == [
        "dashboards",
        "metrics",
        "institutions",
        "timeline",
        "reviews",
    ]
    assert _links(client_for(viewer)) == ["dashboards", "metrics", "institutions", "timeline"]


def test_home_lists_the_staff_members_institutions(client_for, staff_a):
    page = client_for(staff_a).get("/").content.decode()
    assert "担当機関" in page and "機関A" in page
