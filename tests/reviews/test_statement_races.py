"""Simultaneous first attachment uploads to a statement: each is stored, no 500."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.db.models import QuerySet

from reviews.enums import Stage
from reviews.models import HearingStatement, StatementAttachment
from reviews.services import statements

from .conftest import set_stage
from .test_hearings_statements_exports import _docx


def test_first_upload_after_a_colleague_created_the_statement_uses_it(
    assigned, entry_a, staff_a, monkeypatch
):
    """The race window, made deterministic: the lookup saw no statement, but a
    colleague's upload created it before this one's insert."""
    set_stage(assigned, Stage.STATEMENTS)
    colleague = statements.add_attachment(
        actor=staff_a, entry=entry_a, upload=SimpleUploadedFile("a.docx", _docx())
    )
    original_first = QuerySet.first
    missed = []

    def first_missing_the_statement_once(self):
        if self.model is HearingStatement and not missed:
            missed.append(True)
            return None
        return original_first(self)

    monkeypatch.setattr(QuerySet, "first", first_missing_the_statement_once)
    second = statements.add_attachment(
        actor=staff_a, entry=entry_a, upload=SimpleUploadedFile("b.docx", _docx())
    )
    assert missed == [True]
    assert second.statement_id == colleague.statement_id
    assert HearingStatement.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_first_uploads_are_all_stored(assigned, entry_a, staff_a):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL; SQLite locks the whole database")
    set_stage(assigned, Stage.STATEMENTS)
    start = threading.Barrier(3)
    errors: list[Exception] = []

    def upload(number: int) -> None:
        try:
            start.wait()
            statements.add_attachment(
                actor=staff_a,
                entry=entry_a,
                upload=SimpleUploadedFile(f"{number}.docx", _docx()),
            )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert HearingStatement.objects.count() == 1
    assert StatementAttachment.objects.count() == 3


def test_conflict_declared_in_two_windows_at_once_keeps_one(
    assigned, entry_a, conflicted_reviewer, monkeypatch
):
    """The race window, made deterministic: the lookup saw no conflict, but the other
    window's declaration was stored before this one's insert."""
    from reviews.enums import ConflictKind
    from reviews.models import Conflict
    from reviews.services import conflicts

    conflicts.declare_conflict(
        actor=conflicted_reviewer, entry=entry_a, kind=ConflictKind.PERSONAL, reason="親族"
    )
    original_first = QuerySet.first
    missed = []

    def first_missing_the_conflict_once(self):
        if self.model is Conflict and not missed:
            missed.append(True)
            return None
        return original_first(self)

    monkeypatch.setattr(QuerySet, "first", first_missing_the_conflict_once)
    conflicts.declare_conflict(
        actor=conflicted_reviewer, entry=entry_a, kind=ConflictKind.PERSONAL, reason="元同僚"
    )
    assert missed == [True]
    assert Conflict.objects.get(person=conflicted_reviewer, entry=entry_a).reason == "元同僚"
