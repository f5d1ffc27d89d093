"""The answer page, as a customer uses it and as an attacker would."""

import datetime
import secrets
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.tokens import token_hash
from surveys.models import Answer, Contact
from surveys.services import answers, invitations, rounds
from tests.factories import InstitutionFactory
from tests.surveys.conftest import add_contacts, answer_data


def url(token):
    return reverse("surveys:answer", args=[token])


def test_answer_page_anonymous_sees_the_tlo_and_how_answers_are_used(
    anonymous_client, live_links, institution_a
):
    _contact, token = live_links[0]
    response = anonymous_client.get(url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert institution_a.name_ja in body
    assert "集計" in body or "aggregate" in body
    assert f'action="{url(token)}"' in body
    assert response["Referrer-Policy"] == "same-origin"


def test_answer_post_records_answer_for_the_tokens_tlo(anonymous_client, live_links, institution_a):
    contact, token = live_links[0]
    response = anonymous_client.post(url(token), answer_data(comment="とても良い"))
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert (answer.institution, answer.desk, answer.contracting, answer.ip_handling) == (
        institution_a,
        4,
        5,
        None,
    )
    assert Contact.objects.get(pk=contact.pk).answered_at is not None


def test_answer_replay_says_received_and_stores_nothing_more(anonymous_client, live_links):
    _contact, token = live_links[0]
    anonymous_client.post(url(token), answer_data())
    again = anonymous_client.post(url(token), answer_data(desk="1"))
    assert again.status_code == 200
    assert "受け付けました" in again.content.decode() or "received" in again.content.decode()
    assert Answer.objects.count() == 1
    assert anonymous_client.get(url(token)).status_code == 200


def test_answer_used_link_opens_no_form_again(anonymous_client, live_links):
    _contact, token = live_links[0]
    assert 'id="answer-form"' in anonymous_client.get(url(token)).content.decode()
    anonymous_client.post(url(token), answer_data())
    page = anonymous_client.get(url(token)).content.decode()
    assert 'id="answer-form"' not in page
    assert "受け付けました" in page


@pytest.mark.parametrize(
    "token",
    ["x", "A" * 43, "q7Vb1kXo9_uZ3mNc2LrT8yWe5pDs0aHf6gJi4KlQnOw", "..", "' OR 1=1 --", "a" * 5000],
    ids=["short", "all-same", "random-looking", "dots", "sql", "5000-chars"],
)
def test_answer_guessed_token_gets_the_plain_page(anonymous_client, live_links, token):
    response = anonymous_client.get(url(token))
    assert response.status_code == 404
    assert (
        "このリンクは使用できません" in response.content.decode()
        or "cannot be used" in response.content.decode()
    )
    assert anonymous_client.post(url(token), answer_data()).status_code == 404
    assert Answer.objects.count() == 0


def _plain_body(client, token):
    # The page links to itself in English (the language switch): the token aside, equal.
    return client.get(url(token)).content.decode().replace(token, "TOKEN")


def test_answer_closed_survey_and_unknown_token_look_the_same(
    anonymous_client, live_links, open_survey, mext_official
):
    _contact, token = live_links[0]
    unknown = _plain_body(anonymous_client, secrets.token_urlsafe(32))
    rounds.close_survey(actor=mext_official, survey=open_survey)
    assert anonymous_client.get(url(token)).status_code == 404
    assert _plain_body(anonymous_client, token) == unknown
    assert anonymous_client.post(url(token), answer_data()).status_code == 404
    assert Answer.objects.count() == 0


def test_answer_after_closing_date_is_refused(anonymous_client, live_links, open_survey):
    _contact, token = live_links[0]
    open_survey.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    open_survey.opens_on = open_survey.closes_on
    open_survey.save()
    assert anonymous_client.post(url(token), answer_data()).status_code == 404
    assert Answer.objects.count() == 0


def test_answer_token_of_another_survey_is_refused(anonymous_client, mext_official, institution_a):
    old = rounds.create_survey(
        actor=mext_official,
        fiscal_year=2010,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    add_contacts(old, institution_a, 1)
    token = (
        invitations.issue_links(actor=mext_official, survey=old, institution=institution_a)[0]
        .url.rstrip("/")
        .rsplit("/", 1)[1]
    )
    rounds.close_survey(actor=mext_official, survey=old)
    rounds.create_survey(
        actor=mext_official,
        fiscal_year=2011,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=9),
    )
    assert anonymous_client.post(url(token), answer_data()).status_code == 404
    assert Answer.objects.count() == 0


def test_answer_voided_token_is_refused(
    anonymous_client, live_links, open_survey, institution_a, mext_official
):
    _contact, token = live_links[0]
    invitations.issue_links(actor=mext_official, survey=open_survey, institution=institution_a)
    assert anonymous_client.post(url(token), answer_data()).status_code == 404


def test_answer_forged_tlo_id_is_ignored(anonymous_client, live_links, institution_a):
    other = InstitutionFactory()
    _contact, token = live_links[0]
    anonymous_client.post(
        url(token),
        answer_data(institution=str(other.pk), institution_id=str(other.pk), survey="999"),
    )
    assert Answer.objects.get().institution == institution_a


def test_answer_html_comment_is_stored_as_text_and_shown_escaped(
    anonymous_client, client_for, mext_official, live_links, open_survey
):
    _contact, token = live_links[0]
    anonymous_client.post(url(token), answer_data(comment="<script>alert(1)</script>"))
    assert Answer.objects.get().comment == "<script>alert(1)</script>"
    page = client_for(mext_official).get(reverse("surveys:detail", args=[open_survey.fiscal_year]))
    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_answer_100000_character_comment_is_a_message(anonymous_client, live_links):
    contact, token = live_links[0]
    response = anonymous_client.post(url(token), answer_data(comment="あ" * 100_000))
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Answer.objects.count() == 0
    assert Contact.objects.get(pk=contact.pk).answered_at is None


@pytest.mark.parametrize(
    "changes",
    [
        {"desk": "6"},
        {"desk": "0"},
        {"desk": "x"},
        {"work_again": "maybe"},
        {"work_again": ""},
        {"comment": "a\x00b"},
    ],
)
def test_answer_broken_values_are_messages(anonymous_client, live_links, changes):
    _contact, token = live_links[0]
    response = anonymous_client.post(url(token), answer_data(**changes))
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Answer.objects.count() == 0


def test_answer_not_applicable_everywhere_is_accepted(anonymous_client, live_links):
    _contact, token = live_links[0]
    anonymous_client.post(url(token), answer_data(desk="", contracting="", ip_handling=""))
    assert (Answer.objects.get().desk, Answer.objects.get().contracting) == (None, None)


def test_answer_rate_limited_per_address(anonymous_client, settings, live_links):
    settings.SURVEY_ANSWER_RATE_PER_ADDRESS = (3, 600)
    statuses = [anonymous_client.get(url(secrets.token_urlsafe(32))).status_code for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    _contact, token = live_links[0]
    assert anonymous_client.get(url(token)).status_code == 429


def test_answer_rate_limited_per_token(settings, live_links):
    from django.test import Client

    settings.SURVEY_ANSWER_RATE_PER_TOKEN = (2, 3600)
    _contact, token = live_links[0]
    statuses = [
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(url(token), answer_data(desk="9")).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


def test_answer_single_use_when_a_submission_loses_the_race(live_links):
    """Two submissions read the link as unused; the conditional UPDATE lets one win."""
    _contact, token = live_links[0]
    found = answers.find_invitation(token)
    answers.submit_answer(
        token=token, desk=5, contracting=5, ip_handling=5, work_again="yes", comment=""
    )
    # The second submission had already found the contact unused before the first wrote.
    claimed = Contact.objects.filter(pk=found.pk, answered_at__isnull=True).update(
        answered_at=timezone.now()
    )
    assert claimed == 0
    with pytest.raises(answers.AlreadyAnswered):
        answers.submit_answer(
            token=token, desk=1, contracting=1, ip_handling=1, work_again="no", comment=""
        )
    assert Answer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_answer_single_use_under_two_concurrent_submissions(mext_official):
    institution = InstitutionFactory()
    survey = rounds.create_survey(
        actor=mext_official,
        fiscal_year=2012,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    add_contacts(survey, institution, 1)
    token = (
        invitations.issue_links(actor=mext_official, survey=survey, institution=institution)[0]
        .url.rstrip("/")
        .rsplit("/", 1)[1]
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        barrier.wait()
        try:
            answers.submit_answer(
                token=token, desk=3, contracting=3, ip_handling=3, work_again="yes", comment=""
            )
            outcomes.append("stored")
        except answers.AlreadyAnswered:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "stored"]
    assert Answer.objects.count() == 1


def test_token_is_long_and_only_its_hash_is_stored(live_links):
    contact, token = live_links[0]
    assert len(token) >= 22  # 128 bits in URL-safe base64
    stored = Contact.objects.filter(pk=contact.pk).values_list(flat=True)
    row = Contact.objects.filter(pk=contact.pk).values().get()
    assert token not in str(row)
    assert row["token_hash"] == token_hash(token)
    assert stored
