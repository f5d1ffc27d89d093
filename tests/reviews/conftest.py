"""A review cycle in scoring with institution A and B, assigned reviewers of both ministries."""

import pytest

from institutions.enums import Ministry
from reviews.enums import Stage
from reviews.models import Assignment
from reviews.services import cycles
from tests.factories import reviewer_of


def assign(entry, reviewer):
    """An assignment made directly (the service's checks are tested on their own), with
    the reviewer's ministry as the service records it."""
    return Assignment.objects.create(entry=entry, reviewer=reviewer, ministry=reviewer.ministry)


def set_stage(cycle, stage):
    cycle.stage = stage
    cycle.save(update_fields=["stage"])
    return cycle


@pytest.fixture
def cycle(institution_a, institution_b, mext_official):
    return cycles.create_cycle(
        actor=mext_official, fiscal_year=2010, institutions=[institution_a, institution_b]
    )


@pytest.fixture
def entry_a(cycle, institution_a):
    return cycle.entries.get(institution=institution_a)


@pytest.fixture
def entry_b(cycle, institution_b):
    return cycle.entries.get(institution=institution_b)


@pytest.fixture
def assigned(cycle, entry_a, entry_b, mext_reviewer, meti_reviewer, conflicted_reviewer):
    """mext_reviewer and meti_reviewer on A; conflicted_reviewer (METI) on A too (they
    declare their conflict in the tests that need it)."""
    for reviewer in (mext_reviewer, meti_reviewer, conflicted_reviewer):
        assign(entry_a, reviewer)
    return cycle


@pytest.fixture
def scoring(assigned):
    return set_stage(assigned, Stage.SCORING)


@pytest.fixture
def unassigned_reviewer(db):
    return reviewer_of(Ministry.MEXT, username="unassigned-reviewer")


def score_all(assignment, values, *, submit=True, comment="理由"):
    """Record the reviewer's scores for every criterion through the service."""
    from reviews.services.scores import ScoreInput, record_scores

    codes = [c.code for c in assignment.entry.cycle.criteria.all()]
    if isinstance(values, int):
        values = [values] * len(codes)
    data = {code: ScoreInput(v, comment) for code, v in zip(codes, values, strict=True)}
    return record_scores(
        actor=assignment.reviewer, assignment=assignment, scores=data, submit=submit
    )
