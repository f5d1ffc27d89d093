"""Lists and the deliberation run a fixed number of queries whatever the number of rows."""

from institutions.enums import Ministry
from reviews.enums import Stage
from reviews.models import CycleEntry
from tests.factories import InstitutionFactory, reviewer_of

from .conftest import assign, score_all, set_stage


def _grow(cycle, reviewers):
    def grow():
        for _ in range(3):
            entry = CycleEntry.objects.create(cycle=cycle, institution=InstitutionFactory())
            for reviewer in reviewers:
                score_all(assign(entry, reviewer), 3)

    return grow


def test_deliberation_query_count(scoring, client_for, mext_official, assert_constant_queries):
    reviewers = [
        reviewer_of(Ministry.MEXT, username="q-m"),
        reviewer_of(Ministry.METI, username="q-e"),
    ]
    client = client_for(mext_official)
    grow = _grow(scoring, reviewers)
    grow()
    set_stage(scoring, Stage.SCORING)

    def measure():
        set_stage(scoring, Stage.SCORING)
        assert client.get("/reviews/2010/deliberation/").status_code == 200

    assert_constant_queries(measure, grow)


def test_cycle_page_query_count(scoring, client_for, mext_official, assert_constant_queries):
    reviewers = [
        reviewer_of(Ministry.MEXT, username="q-m"),
        reviewer_of(Ministry.METI, username="q-e"),
    ]
    client = client_for(mext_official)

    def measure():
        assert client.get("/reviews/2010/").status_code == 200

    assert_constant_queries(measure, _grow(scoring, reviewers))
