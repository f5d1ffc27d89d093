"""Collection deadlines on pages and in reminders use the date style people act on."""

import pytest
from django.utils import translation

from metrics.services.collection import send_due_reminders
from notifications.models import Notification
from tests.metrics.test_collection_rounds import (  # noqa: F401
    D,
    people,
    reminder_days,
    round_2010,
)

pytestmark = pytest.mark.django_db

DEADLINE_JA = "平成23年6月30日(木)"


def test_status_page_and_round_list_show_the_deadline_with_its_weekday(
    round_2010,  # noqa: F811
    client_for,
    mext_official,
):
    client = client_for(mext_official)
    status = client.get("/metrics/status/?fiscal_year=2010").content.decode()
    rounds = client.get("/metrics/rounds/").content.decode()
    assert f'<time datetime="2011-06-30">{DEADLINE_JA}</time>' in status
    assert "平成23年4月1日(金)" in status
    assert DEADLINE_JA in rounds


def test_staff_home_shows_the_deadline_with_its_weekday(
    round_2010,  # noqa: F811
    client_for,
    staff_a,
):
    assert DEADLINE_JA in client_for(staff_a).get("/").content.decode()


def test_reminder_names_the_deadline_with_its_weekday(round_2010, people):  # noqa: F811
    with translation.override("ja"):
        send_due_reminders(today=D(2011, 6, 27))
    message = Notification.objects.first()
    assert DEADLINE_JA in message.subject
    assert DEADLINE_JA in message.body
    assert "2011-06-30" not in message.body
