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


def _more_reviewers_on(entry, prefix):
    """Three more reviewers of each ministry on the institution, all submitted."""
    counter = {"n": 0}

    def grow():
        for ministry in (Ministry.MEXT, Ministry.METI):
            for _ in range(3):
                counter["n"] += 1
                person = reviewer_of(ministry, username=f"{prefix}-{counter['n']}")
                score_all(assign(entry, person), 4, comment="所見")

    return grow


def test_entry_page_query_count(
    scoring, entry_a, mext_official, client_for, assert_constant_queries
):
    client = client_for(mext_official)
    grow = _more_reviewers_on(entry_a, "e")
    grow()

    def measure():
        assert client.get("/reviews/2010/institutions/TLO-AAA/").status_code == 200

    assert_constant_queries(measure, grow)


def test_score_page_query_count_after_submitting(
    scoring, entry_a, mext_reviewer, client_for, assert_constant_queries
):
    from reviews.models import Assignment

    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 3)
    client = client_for(mext_reviewer)
    grow = _more_reviewers_on(entry_a, "s")
    grow()

    def measure():
        assert client.get("/reviews/2010/institutions/TLO-AAA/score/").status_code == 200

    assert_constant_queries(measure, grow)


def test_workload_conflicts_and_hearings_query_counts(
    scoring, mext_official, client_for, assert_constant_queries
):
    import datetime

    from core.versions import NEW
    from reviews.enums import ConflictKind
    from reviews.services import conflicts, hearings

    client = client_for(mext_official)
    counter = {"n": 0}

    def grow():
        for _ in range(3):
            counter["n"] += 1
            entry = CycleEntry.objects.create(cycle=scoring, institution=InstitutionFactory())
            person = reviewer_of(Ministry.METI, username=f"w-{counter['n']}")
            score_all(assign(entry, reviewer_of(Ministry.MEXT, username=f"x-{counter['n']}")), 2)
            conflicts.declare_conflict(
                actor=person, entry=entry, kind=ConflictKind.OTHER, reason="理由"
            )
            hearings.schedule_hearing(
                actor=mext_official,
                entry=entry,
                date=datetime.date(2011, 1, 20 + counter["n"] % 2),
                starts_at=datetime.time(10),
                ends_at=datetime.time(11),
                place="会議室",
                online_url="",
                attendees=[mext_official],
                expected_version=NEW,
            )

    grow()

    def measure():
        for url in ("assignments/", "conflicts/", "hearings/", "hearings/mine.ics"):
            assert client.get(f"/reviews/2010/{url}").status_code == 200

    assert_constant_queries(measure, grow)


def test_home_panels_query_count(
    scoring, entry_a, staff_a, mext_reviewer, client_for, assert_constant_queries
):
    from reviews.services import cycles

    staff, reviewer = client_for(staff_a), client_for(mext_reviewer)
    years = iter(range(2011, 2030))

    def grow():
        for _ in range(2):
            cycle = cycles.create_cycle(
                actor=None, fiscal_year=next(years), institutions=[entry_a.institution]
            )
            set_stage(cycle, Stage.SCORING)
            assign(cycle.entries.get(), mext_reviewer)

    grow()

    def measure():
        assert staff.get("/").status_code == 200
        assert reviewer.get("/").status_code == 200

    assert_constant_queries(measure, grow)
