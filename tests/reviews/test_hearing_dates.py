"""A hearing's day on its pages and in its e-mail: the date style people act on."""

import pytest

from notifications.enums import NotificationKind
from notifications.models import Notification

from .test_hearings_statements_exports import _schedule

pytestmark = pytest.mark.django_db

WHEN = "平成23年1月20日(木) 10:00–10:50"


def test_hearing_mail_names_the_day_with_its_weekday(
    assigned, entry_a, mext_official, mext_reviewer
):
    _schedule(entry_a, mext_official, [mext_reviewer])
    message = Notification.objects.filter(kind=NotificationKind.HEARING_SCHEDULED).first()
    assert f"{WHEN}(会議室)に行います" in message.body
    assert "2011-01-20" not in message.body


def test_hearing_pages_show_the_day_with_its_weekday(
    assigned, entry_a, mext_official, mext_reviewer, staff_a, client_for
):
    _schedule(entry_a, mext_official, [mext_reviewer])
    entry_page = client_for(staff_a).get("/reviews/2010/institutions/TLO-AAA/").content.decode()
    cycle_page = client_for(mext_official).get("/reviews/2010/").content.decode()
    assert f'<time datetime="2011-01-20">{WHEN}</time>' in entry_page
    assert WHEN in cycle_page
