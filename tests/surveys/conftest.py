"""Surveys in each phase, with contacts and live links, built through the services."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from surveys.models import Contact
from surveys.services import invitations, rounds

TODAY = datetime.date(2011, 6, 1)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scheduled_survey(mext_official):
    today = timezone.localdate()
    return rounds.create_survey(
        actor=mext_official,
        fiscal_year=2011,
        opens_on=today + datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=40),
    )


def add_contacts(survey, institution, count, *, prefix="c"):
    return [
        Contact.objects.create(
            survey=survey,
            institution=institution,
            company=f"会社{prefix}{n}",
            person=f"担当{n}",
            email=f"{prefix}{n}@example.co.jp",
            relation="licensee",
        )
        for n in range(count)
    ]


@pytest.fixture
def open_survey(scheduled_survey, mext_official):
    return rounds.start_survey(actor=mext_official, survey=scheduled_survey)


@pytest.fixture
def live_links(open_survey, institution_a, mext_official):
    """Three contacts of institution A with fresh links: [(contact, token)]."""
    add_contacts(open_survey, institution_a, 3)
    issued = invitations.issue_links(
        actor=mext_official, survey=open_survey, institution=institution_a
    )
    return [(link.contact, link.url.rstrip("/").rsplit("/", 1)[1]) for link in issued]


def answer_data(**changes):
    data = {"desk": "4", "contracting": "5", "ip_handling": "", "work_again": "yes", "comment": ""}
    data.update(changes)
    return data
