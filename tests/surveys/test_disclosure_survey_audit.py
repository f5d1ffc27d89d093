"""The disclosure audit of the customer survey's national figures (issue #14).

For a viewer, a reviewer assigned to one answering TLO and that TLO's staff, the survey
page is fetched as each reads it; what it shows of the national figures enters as
equations over the TLOs' unknown answers — the counts (invited, answered) as sums over the
TLOs, each question's answers per point and the "work again" choices as sums — with what
the reader knows by name as known (staff their own TLO's answers, the reviewer the
assigned TLO's, read on the scoring page). No TLO's figure and no sum over fewer than
three TLOs may be determined: a national figure over three TLOs, shown to a reader who
knows one, gives the sum of the other two.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from metrics.calculations.disclosure import Knowledge, determined_small_sums
from surveys.enums import WorkAgain
from surveys.models import Answer, Contact
from tests.factories import InstitutionFactory
from tests.reviews.conftest import assign
from tests.surveys.test_results import FIVE, THREE, answered

DIMENSIONS = ("desk", "contracting", "ip_handling")
POINTS = (1, 2, 3, 4, 5, None)


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def _answers(survey) -> dict[int, dict[tuple, int]]:
    """TLO → its figures, counted here from the stored answers and contacts."""
    figures: dict[int, dict[tuple, int]] = {}
    for contact in Contact.objects.filter(survey=survey):
        row = figures.setdefault(contact.institution_id, {})
        row[("invited",)] = row.get(("invited",), 0) + (contact.invited_at is not None)
    for answer in Answer.objects.filter(survey=survey):
        row = figures.setdefault(answer.institution_id, {})
        row[("answered",)] = row.get(("answered",), 0) + 1
        for dimension in DIMENSIONS:
            key = (dimension, getattr(answer, dimension))
            row[key] = row.get(key, 0) + 1
        key = ("work_again", answer.work_again)
        row[key] = row.get(key, 0) + 1
    return figures


def _shown(body: str) -> tuple[bool, bool]:
    """(counts shown, means and distributions shown) of the national figures."""
    national = body.split("<h2>全国</h2>", 1)
    if len(national) == 1:
        return False, False
    part = national[1]
    return "依頼数:" in part, 'class="survey-result"' in part


def _audit(client, survey, known: set[int]) -> list[str]:
    body = client.get(reverse("surveys:detail", args=[survey.fiscal_year])).content.decode()
    counts_shown, figures_shown = _shown(body)
    figures = _answers(survey)
    quantities = [("invited",), ("answered",)]
    if figures_shown:
        quantities += [(d, p) for d in DIMENSIONS for p in POINTS]
        quantities += [("work_again", c) for c in WorkAgain.values]
    elif not counts_shown:
        quantities = []
    knowledge = Knowledge()
    for pk in known:
        for quantity in quantities:
            knowledge.add({(pk, *quantity): 1})
    for quantity in quantities:
        knowledge.add({(pk, *quantity): 1 for pk in figures})
        if quantity == ("answered",):
            total = sum(f.get(quantity, 0) for f in figures.values())
            assert f"回答数: {total}" in body
    problems = []
    for quantity in quantities:
        unknowns = [(pk, *quantity) for pk in sorted(figures) if pk not in known]
        problems += [str(leak) for leak in determined_small_sums(knowledge, unknowns, below=3)]
    return problems


@pytest.fixture
def three_answering(open_survey, institution_a, institution_b):
    institution_c = InstitutionFactory(code="TLO-CCC", name_ja="機関C")
    answered(open_survey, institution_a, FIVE)
    answered(open_survey, institution_b, THREE)
    answered(open_survey, institution_c, FIVE)
    return open_survey


@pytest.fixture
def reviewer_of_a(mext_official, mext_reviewer, institution_a):
    from reviews.services import cycles

    cycle = cycles.create_cycle(actor=mext_official, fiscal_year=2011, institutions=[institution_a])
    assign(cycle.entries.get(institution=institution_a), mext_reviewer)
    return mext_reviewer


@pytest.mark.parametrize("extra", [0, 1, 2], ids=["3 TLOs", "4 TLOs", "5 TLOs"])
def test_survey_national_figures_give_nothing_away(
    client_for, three_answering, institution_a, viewer, staff_a, reviewer_of_a, extra
):
    for n in range(extra):
        answered(three_answering, InstitutionFactory(code=f"TLO-X{n}"), FIVE)
    readers = {
        "viewer": (viewer, set()),
        "reviewer": (reviewer_of_a, {institution_a.pk}),
        "staff": (staff_a, {institution_a.pk}),
    }
    found = {
        role: _audit(client_for(user), three_answering, known)
        for role, (user, known) in readers.items()
    }
    assert found == {"viewer": [], "reviewer": [], "staff": []}


def test_viewer_sees_national_figures_of_three_tlos(client_for, three_answering, viewer):
    body = client_for(viewer).get(reverse("surveys:detail", args=[2011])).content.decode()
    assert _shown(body) == (True, True)
    assert "回答数: 13" in body


def test_reviewer_sees_no_national_figures(client_for, three_answering, reviewer_of_a):
    """The reviewer reads TLO A's answers on the scoring page: the national figures minus
    A's would be B's and C's together."""
    body = client_for(reviewer_of_a).get(reverse("surveys:detail", args=[2011])).content.decode()
    assert _shown(body) == (False, False)
    assert "審査委員には全国の集計を表示しません" in body
    assert "回答数: 13" not in body


def test_viewer_sees_no_national_counts_under_three_tlos(
    client_for, open_survey, institution_a, institution_b, viewer
):
    answered(open_survey, institution_a, FIVE)
    answered(open_survey, institution_b, THREE)
    body = client_for(viewer).get(reverse("surveys:detail", args=[2011])).content.decode()
    assert _shown(body) == (False, False)
    assert "回答のあったTLOが少なく" in body
    assert "回答数: 8" not in body
