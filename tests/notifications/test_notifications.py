"""The outbox: messages written, staged, released by an official, sent, and readable."""

import dataclasses

import pytest
from django.core import mail
from django.urls import reverse

from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from notifications.services import (
    Attachment,
    deliver_notification,
    discard_notifications,
    notify,
    release_notifications,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _person(person, address):
    person.email = address
    person.save(update_fields=["email"])
    return person


def test_notify_sends_at_once_unless_held(staff_a, mext_official):
    _person(staff_a, "staff@example.com")
    sent = notify(
        actor=mext_official,
        kind=NotificationKind.REPORT_RETURNED,
        recipients=[staff_a, staff_a],
        subject="年度報告が差し戻されました",
        body="人件費を記入してください。",
    )
    assert len(sent) == 1  # each person once
    stored = Notification.objects.get()
    assert (stored.state, stored.to_address, stored.created_by) == (
        NotificationState.SENT,
        "staff@example.com",
        mext_official,
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["staff@example.com"], "年度報告が差し戻されました")
    ]


def test_held_messages_wait_for_an_official(staff_a, mext_official):
    _person(staff_a, "staff@example.com")
    notify(
        actor=mext_official,
        kind=NotificationKind.DECISION_PUBLISHED,
        recipients=[staff_a],
        subject="審査結果",
        body="…",
        attachments=[Attachment("hearing.ics", "text/calendar", "BEGIN:VCALENDAR")],
        hold=True,
    )
    assert mail.outbox == []
    assert Notification.objects.get().state == NotificationState.STAGED
    released = release_notifications(actor=mext_official, notifications=Notification.objects.all())
    assert released == 1
    stored = Notification.objects.get()
    assert (stored.state, stored.released_by) == (NotificationState.SENT, mext_official)
    assert mail.outbox[0].attachments[0][0] == "hearing.ics"


def test_only_officials_release(staff_a, mext_reviewer, viewer, mext_official):
    _person(staff_a, "staff@example.com")
    notify(
        actor=None,
        kind=NotificationKind.OTHER,
        recipients=[staff_a],
        subject="x",
        body="y",
        hold=True,
    )
    for person in (staff_a, mext_reviewer, viewer):
        assert release_notifications(actor=person, notifications=Notification.objects.all()) == 0
        assert discard_notifications(actor=person, notifications=Notification.objects.all()) == 0
    assert Notification.objects.get().state == NotificationState.STAGED
    assert mail.outbox == []


def test_a_person_without_an_address_is_recorded_as_not_delivered(staff_a):
    notify(actor=None, kind=NotificationKind.OTHER, recipients=[staff_a], subject="x", body="y")
    stored = Notification.objects.get()
    assert (stored.state, stored.error) == (NotificationState.FAILED, "no e-mail address")


def test_delivery_is_not_repeated(staff_a):
    _person(staff_a, "staff@example.com")
    notify(actor=None, kind=NotificationKind.OTHER, recipients=[staff_a], subject="x", body="y")
    deliver_notification(notification_id=Notification.objects.get().pk)
    assert len(mail.outbox) == 1


def test_outbox_page_permissions(
    client_for, anonymous_client, staff_a, mext_reviewer, viewer, meti_official
):
    outbox = reverse("notifications:outbox")
    assert anonymous_client.get(outbox).status_code == 302
    for person in (staff_a, mext_reviewer, viewer):
        assert client_for(person).get(outbox).status_code == 403
        assert client_for(person).post(reverse("notifications:act"), {}).status_code == 403
    assert client_for(meti_official).get(outbox).status_code == 200


def test_official_releases_ticked_messages_from_the_page(client_for, staff_a, mext_official):
    _person(staff_a, "staff@example.com")
    held = notify(
        actor=None,
        kind=NotificationKind.OTHER,
        recipients=[staff_a],
        subject="件名",
        body="本文",
        hold=True,
    )
    page = client_for(mext_official).get(reverse("notifications:outbox")).content.decode()
    assert "件名" in page and f'value="{held[0].pk}"' in page
    client_for(mext_official).post(
        reverse("notifications:act"), {"action": "release", "ids": [held[0].pk]}
    )
    assert Notification.objects.get().state == NotificationState.SENT


def test_forged_ids_release_nothing(client_for, staff_a, mext_official):
    _person(staff_a, "staff@example.com")
    sent = notify(
        actor=None, kind=NotificationKind.OTHER, recipients=[staff_a], subject="x", body="y"
    )
    response = client_for(mext_official).post(
        reverse("notifications:act"), {"action": "release", "ids": [sent[0].pk, 999999, "abc"]}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1  # the one sent at once, not again


def _failed_message(staff_a):
    """A message that could not be delivered (the person had no address), then the
    person gave one."""
    notify(actor=None, kind=NotificationKind.OTHER, recipients=[staff_a], subject="再送", body="…")
    _person(staff_a, "staff@example.com")
    failed = Notification.objects.get()
    failed.to_address = "staff@example.com"
    failed.save(update_fields=["to_address"])
    return failed


def test_outbox_offers_a_failed_message_to_send_again(client_for, staff_a, mext_official):
    failed = _failed_message(staff_a)
    client = client_for(mext_official)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert f'name="ids" value="{failed.pk}"' in page
    client.post(reverse("notifications:act"), {"action": "release", "ids": [failed.pk]})
    stored = Notification.objects.get()
    assert (stored.state, stored.released_by, stored.error) == (
        NotificationState.SENT,
        mext_official,
        "",
    )
    assert [m.to for m in mail.outbox] == [["staff@example.com"]]


def test_outbox_offers_no_sent_message(client_for, staff_a, mext_official):
    _person(staff_a, "staff@example.com")
    sent = notify(
        actor=None, kind=NotificationKind.OTHER, recipients=[staff_a], subject="x", body="y"
    )
    page = client_for(mext_official).get(reverse("notifications:outbox")).content.decode()
    assert f'name="ids" value="{sent[0].pk}"' not in page


def test_outbox_asks_the_workflow_table_which_messages_may_be_released(
    client_for, staff_a, mext_official, monkeypatch
):
    """With a table in which nothing is sent again, the outbox neither offers a failed
    message nor sends it when its id is posted."""
    from notifications.enums import NotificationAction
    from notifications.workflow import NOTIFICATION_WORKFLOW

    retry = NOTIFICATION_WORKFLOW[NotificationAction.RETRY]
    monkeypatch.setitem(
        NOTIFICATION_WORKFLOW.transitions,
        NotificationAction.RETRY,
        dataclasses.replace(retry, sources=frozenset()),
    )
    failed = _failed_message(staff_a)
    client = client_for(mext_official)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert f'name="ids" value="{failed.pk}"' not in page
    client.post(reverse("notifications:act"), {"action": "release", "ids": [failed.pk]})
    assert release_notifications(actor=mext_official, notifications=[failed]) == 0
    assert Notification.objects.get().state == NotificationState.FAILED
    assert mail.outbox == []
