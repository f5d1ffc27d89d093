"""core.workflow: a table of transitions whose 'who' is a predicate on person and object."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from core.workflow import ReasonRequired, Transition, TransitionNotAllowed, Workflow


def _owner(user, obj) -> bool:
    return user == obj.owner


TABLE = Workflow(
    [
        Transition("send", frozenset({"draft"}), "sent", _owner),
        Transition("recall", frozenset({"sent"}), "draft", _owner, needs_reason=True),
    ]
)


def _thing(state="draft", owner="alice"):
    return SimpleNamespace(state=state, owner=owner)


def test_workflow_may_needs_state_and_predicate():
    assert TABLE.may("alice", _thing(), "send") is True
    assert TABLE.may("bob", _thing(), "send") is False
    assert TABLE.may("alice", _thing("sent"), "send") is False


def test_workflow_available_lists_actions_in_the_given_order():
    assert TABLE.available("alice", _thing("sent")) == ["recall"]
    assert TABLE.available("bob", _thing("sent")) == []


def test_workflow_check_refuses_wrong_state_wrong_person_and_missing_reason():
    with pytest.raises(TransitionNotAllowed):
        TABLE.check("alice", _thing("sent"), "send")
    with pytest.raises(PermissionDenied):
        TABLE.check("bob", _thing(), "send")
    with pytest.raises(ReasonRequired):
        TABLE.check("alice", _thing("sent"), "recall", reason="   ")
    assert TABLE.check("alice", _thing("sent"), "recall", reason="typo") == "draft"


def test_workflow_refusal_can_give_its_own_error():
    class Locked(TransitionNotAllowed):
        pass

    table = Workflow(
        [Transition("send", frozenset({"draft"}), "sent", _owner)],
        refusal=lambda state, action: Locked("locked") if state == "sent" else None,
    )
    with pytest.raises(Locked):
        table.next_state("sent", "send")
    with pytest.raises(TransitionNotAllowed) as caught:
        table.next_state("archived", "send")
    assert not isinstance(caught.value, Locked)
