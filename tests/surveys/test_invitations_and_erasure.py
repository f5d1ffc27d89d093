"""Invitations through the outbox (links masked, made only when sent), letters, the
command, reminders, and the erasure of personal data."""

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from notifications.services import release_notifications
from surveys.models import Answer, Contact
from surveys.services import erasure, invitations, rounds
from tests.surveys.conftest import add_contacts, answer_data


def test_invitations_staged_with_masked_link_and_sent_with_a_working_one(
    client_for, mext_official, open_survey, institution_a, django_capture_on_commit_callbacks
):
    add_contacts(open_survey, institution_a, 2)
    response = client_for(mext_official).post(reverse("surveys:action", args=[2011, "invite"]))
    assert response.status_code == 302
    staged = list(Notification.objects.filter(kind=NotificationKind.SURVEY_INVITATION))
    assert [n.state for n in staged] == [NotificationState.STAGED] * 2
    assert {n.recipient for n in staged} == {None}
    page = (
        client_for(mext_official)
        .get(reverse("notifications:detail", args=[staged[0].pk]))
        .content.decode()
    )
    assert "/surveys/answer/••••••••/" in page
    with django_capture_on_commit_callbacks(execute=True):
        release_notifications(actor=mext_official, notifications=staged)
    assert sorted(m.to[0] for m in mail.outbox) == ["c0@example.co.jp", "c1@example.co.jp"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/surveys/answer/" in line)
    path = link[link.index("/surveys/answer/") :]
    assert Client().post(path, answer_data()).status_code == 302
    assert Answer.objects.count() == 1
    assert "/surveys/answer/" not in Notification.objects.get(pk=staged[0].pk).body.replace(
        "{link}", ""
    )


def test_invitations_wrong_role_gets_403(client_for, staff_a, open_survey, institution_a):
    add_contacts(open_survey, institution_a, 1)
    assert (
        client_for(staff_a).post(reverse("surveys:action", args=[2011, "invite"])).status_code
        == 403
    )
    assert Notification.objects.count() == 0


def test_letters_pdf_for_officials_issue_fresh_links(
    client_for, mext_official, staff_a, open_survey, institution_a
):
    (contact,) = add_contacts(open_survey, institution_a, 1)
    url = reverse("surveys:letters", args=[2011, institution_a.code])
    assert client_for(staff_a).post(url).status_code == 403
    response = client_for(mext_official).post(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    first = Contact.objects.get(pk=contact.pk).token_hash
    client_for(mext_official).post(url)
    assert Contact.objects.get(pk=contact.pk).token_hash != first


def test_survey_links_command_prints_a_working_link_per_unanswered_contact(
    open_survey, institution_a
):
    add_contacts(open_survey, institution_a, 2)
    out = io.StringIO()
    call_command("survey_links", "--fy", "2011", "--institution", institution_a.code, stdout=out)
    lines = sorted(out.getvalue().splitlines())
    assert [line.split("\t")[0] for line in lines] == ["c0@example.co.jp", "c1@example.co.jp"]
    path = lines[0].split("\t")[1].split("127.0.0.1:8000")[-1]
    assert Client().get(path).status_code == 200


def test_reminder_once_a_week_before_closing(mext_official, open_survey, institution_a):
    contacts = add_contacts(open_survey, institution_a, 2)
    invitations.stage_invitations(actor=mext_official, survey=open_survey)
    Contact.objects.filter(pk=contacts[0].pk).update(
        answered_at=datetime.datetime(2011, 1, 1, tzinfo=datetime.UTC)
    )
    closing = open_survey.closes_on
    assert invitations.stage_reminders(today=closing - datetime.timedelta(days=8)) == 0
    assert invitations.stage_reminders(today=closing - datetime.timedelta(days=7)) == 1
    assert invitations.stage_reminders(today=closing - datetime.timedelta(days=6)) == 0
    reminder = Notification.objects.get(kind=NotificationKind.SURVEY_REMINDER)
    assert reminder.to_address == "c1@example.co.jp"
    invitation = Notification.objects.get(
        kind=NotificationKind.SURVEY_INVITATION, to_address="c1@example.co.jp"
    )
    assert reminder.link_nonce == invitation.link_nonce  # the same link, not a new one


def test_erasure_30_days_after_closing_keeps_counts_and_answers(
    client_for, mext_official, open_survey, institution_a
):
    add_contacts(open_survey, institution_a, 2)
    invitations.stage_invitations(actor=mext_official, survey=open_survey)
    token = (
        invitations.issue_links(actor=mext_official, survey=open_survey, institution=institution_a)[
            0
        ]
        .url.rstrip("/")
        .rsplit("/", 1)[1]
    )
    Client().post(reverse("surveys:answer", args=[token]), answer_data(comment="良い"))
    survey = rounds.close_survey(actor=mext_official, survey=open_survey)
    closed_on = survey.closed_at.date()
    assert erasure.erase_due_contacts(today=closed_on + datetime.timedelta(days=29)) == []
    assert erasure.erase_due_contacts(today=closed_on + datetime.timedelta(days=31)) == [2011]
    assert set(Contact.objects.values_list("company", "person", "email")) == {("", "", "")}
    assert set(Contact.history.values_list("company", "person", "email")) == {("", "", "")}
    assert set(Notification.objects.values_list("to_address", "body")) == {("", "")}
    assert (Contact.objects.invited().count(), Contact.objects.answered().count()) == (2, 1)
    assert Answer.objects.get().comment == "良い"
    csv_body = (
        client_for(mext_official).get(reverse("surveys:results_csv", args=[2011])).content.decode()
    )
    assert "TLO-AAA,2,1," in csv_body
    assert erasure.erase_due_contacts(today=closed_on + datetime.timedelta(days=40)) == []


def test_invitation_names_the_closing_day_with_its_weekday(open_survey, institution_a):
    from surveys.models import Survey

    Survey.objects.filter(pk=open_survey.pk).update(
        opens_on=datetime.date(2026, 11, 2), closes_on=datetime.date(2026, 12, 2)
    )
    open_survey.refresh_from_db()
    contact = add_contacts(open_survey, institution_a, 1)[0]
    message = invitations._message(contact, "nonce", reminder=False)
    assert "令和8年12月2日(水)" in message.body
    assert "2026-12-02" not in message.body
