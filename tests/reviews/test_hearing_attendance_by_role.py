"""The institution's copy of a hearing says who attends by ministry and role, never the
reviewers' names (blind review); the ministries' people see the names."""

import pytest
from django.utils import translation
from icalendar import Calendar

from institutions.enums import Ministry
from reviews.display import attendance_by_role
from tests.factories import UserFactory

from .test_hearings_statements_exports import _schedule

pytestmark = pytest.mark.django_db

ICS = "/reviews/2010/institutions/TLO-AAA/hearing.ics"
PAGE = "/reviews/2010/institutions/TLO-AAA/"


@pytest.fixture
def hearing(assigned, entry_a, mext_official, mext_reviewer, meti_reviewer, staff_a):
    for person, name in ((mext_reviewer, "秘密 花子"), (meti_reviewer, "匿名 太郎")):
        person.first_name = name
        person.email = f"{person.username}@example.jp"
        person.save(update_fields=["first_name", "email"])
    return _schedule(entry_a, mext_official, [meti_reviewer, mext_reviewer])


def _description(response) -> str:
    assert response.status_code == 200
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    return str(event.get("DESCRIPTION"))


def test_institution_ics_says_who_attends_by_role(hearing, staff_a, client_for):
    description = _description(client_for(staff_a).get(ICS))
    assert (
        "出席予定: 文部科学省 審査委員 1名、文部科学省 担当官 1名、経済産業省 審査委員 1名"
        in description
    )
    assert "秘密" not in description
    assert "匿名" not in description
    assert "mext-reviewer" not in description


def test_ministry_ics_names_attendees_not_roles(hearing, mext_official, client_for):
    response = client_for(mext_official).get(ICS)
    assert "出席予定" not in _description(response)
    assert "mext-reviewer@example.jp" in response.content.decode()


def test_institution_page_shows_attendance_by_role(hearing, staff_a, mext_official, client_for):
    staff_page = client_for(staff_a).get(PAGE).content.decode()
    official_page = client_for(mext_official).get(PAGE).content.decode()
    assert "文部科学省 審査委員 1名、文部科学省 担当官 1名、経済産業省 審査委員 1名" in staff_page
    assert "秘密 花子" not in staff_page
    assert "秘密 花子" in official_page


def test_attendance_by_role_counts_and_orders(db):
    people = [
        UserFactory.build(role="official", ministry=Ministry.METI),
        UserFactory.build(role="reviewer", ministry=Ministry.MEXT),
        UserFactory.build(role="reviewer", ministry=Ministry.MEXT),
    ]
    with translation.override("ja"):
        assert attendance_by_role(people) == "文部科学省 審査委員 2名、経済産業省 担当官 1名"
        assert attendance_by_role([]) == ""
    with translation.override("en"):
        assert attendance_by_role(people) == "MEXT reviewer 2 people, METI official 1 person"


def test_institution_mail_attachment_says_who_attends_by_role(hearing, staff_a, mext_reviewer):
    from notifications.models import Notification

    to_staff = Notification.objects.get(recipient=staff_a)
    to_reviewer = Notification.objects.get(recipient=mext_reviewer)

    def description(notification):
        event = Calendar.from_ical(notification.attachments[0]["content"]).walk("VEVENT")[0]
        return str(event.get("DESCRIPTION"))

    assert "出席予定: 文部科学省 審査委員 1名、文部科学省 担当官 1名" in description(to_staff)
    assert "秘密" not in to_staff.attachments[0]["content"]
    assert "出席予定" not in description(to_reviewer)
