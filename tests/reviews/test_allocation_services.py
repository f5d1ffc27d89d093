"""Support allocation: computation from approved decisions, adjustments, two-key approval."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.versions import NEW, StaleVersion
from core.workflow import WorkflowError
from institutions.enums import Ministry
from reviews.enums import AllocationState, DecisionState, Stage, SupportTier
from reviews.errors import ReviewError
from reviews.models import Allocation, AllocationApproval, Decision
from reviews.services import allocations
from reviews.services.allocations import Limits
from tests.factories import official_of

from .consequences_support import decided_cycle


@pytest.fixture
def cycle(institution_a, institution_b, db):
    from tests.factories import InstitutionFactory

    c = InstitutionFactory(code="TLO-CCC")
    d = InstitutionFactory(code="TLO-DDD")
    return decided_cycle(
        tiers={
            institution_a: SupportTier.PRIORITISED,
            institution_b: SupportTier.STANDARD,
            c: SupportTier.CONDITIONAL,
            d: SupportTier.NONE,
        }
    )


def amounts(allocation):
    return {line.institution.code: line.amount_yen for line in allocation.lines.all()}


def make(cycle, actor, budget=600_000_000, **kwargs):
    current = Allocation.objects.filter(cycle=cycle).first()
    return allocations.save_allocation(
        actor=actor,
        cycle=cycle,
        budget_yen=budget,
        expected_version=current.version if current else NEW,
        **kwargs,
    )


def approve(actor, allocation):
    allocation.refresh_from_db()
    return allocations.approve_allocation(
        actor=actor, allocation=allocation, expected_version=allocation.version
    )


def test_allocation_splits_the_budget_by_default_weights(cycle, mext_official):
    allocation = make(cycle, mext_official)
    # 600,000 千円 in 3:2:1:0
    assert amounts(allocation) == {
        "TLO-AAA": 300_000_000,
        "TLO-BBB": 200_000_000,
        "TLO-CCC": 100_000_000,
        "TLO-DDD": 0,
    }
    assert allocation.lines.get(institution__code="TLO-AAA").computed_yen == 300_000_000


def test_allocation_leaves_out_decisions_not_approved(cycle, mext_official):
    Decision.objects.filter(entry__institution__code="TLO-CCC").update(
        state=DecisionState.APPROVED_BY_ONE
    )
    allocation = make(cycle, mext_official, budget=500_000_000)
    assert amounts(allocation) == {"TLO-AAA": 300_000_000, "TLO-BBB": 200_000_000, "TLO-DDD": 0}


def test_allocation_respects_ceiling_and_floor(cycle, mext_official, institution_a):
    c = Decision.objects.get(entry__institution__code="TLO-DDD").entry.institution
    allocation = make(
        cycle,
        mext_official,
        budget=1_000_000_000,
        weights={SupportTier.PRIORITISED: Decimal(3)},
        limits={
            institution_a.pk: Limits(ceiling_yen=400_000_000),
            c.pk: Limits(floor_yen=100_000_000),
        },
    )
    # A is capped at 400M; D (weight 0) gets its floor 100M; the 500M left go 2:1:
    # 333,333.⅓ and 166,666.⅔ 千円, and the 千円 left over goes to the larger remainder.
    assert amounts(allocation) == {
        "TLO-AAA": 400_000_000,
        "TLO-BBB": 333_333_000,
        "TLO-CCC": 166_667_000,
        "TLO-DDD": 100_000_000,
    }
    assert sum(amounts(allocation).values()) == 1_000_000_000


def test_allocation_budget_must_be_whole_thousands(cycle, mext_official):
    with pytest.raises(ReviewError):
        make(cycle, mext_official, budget=1_234_567)
    assert not Allocation.objects.exists()


def test_allocation_refused_outside_deliberation_and_decided(cycle, mext_official):
    cycle.stage = Stage.SCORING
    cycle.save()
    with pytest.raises(PermissionDenied):
        make(cycle, mext_official)


def test_allocation_refused_to_reviewers(cycle, mext_reviewer):
    with pytest.raises(PermissionDenied):
        make(cycle, mext_reviewer)


def test_allocation_stale_version_is_refused(cycle, mext_official, meti_official):
    allocation = make(cycle, mext_official)
    opened = allocation.version
    make(cycle, meti_official, budget=300_000_000)
    with pytest.raises(StaleVersion):
        allocations.save_allocation(
            actor=mext_official, cycle=cycle, budget_yen=900_000_000, expected_version=opened
        )
    allocation.refresh_from_db()
    assert allocation.budget_yen == 300_000_000


def test_adjustment_keeps_computed_and_blocks_approval_until_resolved(
    cycle, mext_official, institution_a, institution_b
):
    allocation = make(cycle, mext_official)
    allocation = allocations.adjust_amount(
        actor=mext_official,
        allocation=allocation,
        institution=institution_a,
        amount_yen=310_000_000,
        reason="地域の要望",
        expected_version=allocation.version,
    )
    line = allocation.lines.get(institution=institution_a)
    assert (line.computed_yen, line.amount_yen, line.reason) == (
        300_000_000,
        310_000_000,
        "地域の要望",
    )
    assert allocations.difference_from_budget(allocation) == -10_000_000
    with pytest.raises(ReviewError):
        approve(mext_official, allocation)
    assert not AllocationApproval.objects.exists()
    allocation = allocations.adjust_amount(
        actor=mext_official,
        allocation=allocation,
        institution=institution_b,
        amount_yen=190_000_000,
        reason="調整",
        expected_version=allocation.version,
    )
    assert allocations.difference_from_budget(allocation) == 0
    assert approve(mext_official, allocation).state == AllocationState.APPROVED_BY_ONE


def test_adjustment_needs_a_reason(cycle, mext_official, institution_a):
    allocation = make(cycle, mext_official)
    with pytest.raises(ReviewError):
        allocations.adjust_amount(
            actor=mext_official,
            allocation=allocation,
            institution=institution_a,
            amount_yen=1_000,
            reason=" ",
            expected_version=allocation.version,
        )


def test_adjustment_survives_a_recomputation(cycle, mext_official, institution_a):
    allocation = make(cycle, mext_official)
    allocations.adjust_amount(
        actor=mext_official,
        allocation=allocation,
        institution=institution_a,
        amount_yen=1_000,
        reason="理由",
        expected_version=allocation.version,
    )
    allocation = make(cycle, mext_official, budget=1_200_000_000)
    line = allocation.lines.get(institution=institution_a)
    assert (line.computed_yen, line.amount_yen) == (600_000_000, 1_000)


def test_allocation_two_keys_lock_it(cycle, mext_official, meti_official):
    allocation = make(cycle, mext_official)
    allocation = approve(mext_official, allocation)
    assert allocation.state == AllocationState.APPROVED_BY_ONE
    allocation = approve(meti_official, allocation)
    assert allocation.state == AllocationState.APPROVED
    assert set(allocation.approvals.values_list("ministry", flat=True)) == {
        Ministry.MEXT,
        Ministry.METI,
    }
    with pytest.raises(WorkflowError):
        make(cycle, mext_official, budget=900_000_000)
    allocation.refresh_from_db()
    assert allocation.budget_yen == 600_000_000


def test_allocation_one_ministry_alone_cannot_approve_twice(cycle, mext_official):
    allocation = approve(mext_official, make(cycle, mext_official))
    other_mext = official_of(Ministry.MEXT, username="mext-official-2")
    with pytest.raises(PermissionDenied):
        approve(other_mext, allocation)
    with pytest.raises(PermissionDenied):
        approve(mext_official, allocation)
    assert AllocationApproval.objects.count() == 1


def test_allocation_approval_is_of_the_version_read(cycle, mext_official, meti_official):
    allocation = approve(mext_official, make(cycle, mext_official))
    read = allocation.version
    make(cycle, mext_official, budget=900_000_000)  # a change after the METI official read it
    with pytest.raises(StaleVersion):
        allocations.approve_allocation(
            actor=meti_official, allocation=allocation, expected_version=read
        )
    allocation.refresh_from_db()
    assert allocation.state == AllocationState.DRAFT
    assert not allocation.approvals.exists()


def test_allocation_change_withdraws_approval(cycle, mext_official, meti_official):
    allocation = approve(mext_official, make(cycle, mext_official))
    allocation = make(cycle, meti_official, budget=900_000_000)
    assert allocation.state == AllocationState.DRAFT
    assert not allocation.approvals.exists()
    assert allocation.history.filter(history_user=meti_official).exists()


def test_allocation_reopen_needs_reason_and_unlocks(cycle, mext_official, meti_official):
    allocation = approve(meti_official, approve(mext_official, make(cycle, mext_official)))
    with pytest.raises(WorkflowError):
        allocations.reopen_allocation(
            actor=mext_official,
            allocation=allocation,
            reason="",
            expected_version=allocation.version,
        )
    allocation = allocations.reopen_allocation(
        actor=mext_official,
        allocation=allocation,
        reason="予算変更",
        expected_version=allocation.version,
    )
    assert allocation.state == AllocationState.DRAFT
    assert not allocation.approvals.exists()
    assert make(cycle, mext_official, budget=900_000_000).budget_yen == 900_000_000


def test_export_allocation_command_writes_the_columns(
    cycle, mext_official, institution_a, tmp_path
):
    import csv
    import io

    from django.core.management import call_command

    allocation = make(cycle, mext_official)
    allocations.adjust_amount(
        actor=mext_official,
        allocation=allocation,
        institution=institution_a,
        amount_yen=299_000_000,
        reason="端数",
        expected_version=allocation.version,
    )
    out = io.StringIO()
    call_command("export_allocation", "--fy", "2010", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["institution_code", "tier", "weight", "computed_yen", "amount_yen", "reason"],
        ["TLO-AAA", "prioritised", "3", "300000000", "299000000", "端数"],
        ["TLO-BBB", "standard", "2", "200000000", "200000000", ""],
        ["TLO-CCC", "conditional", "1", "100000000", "100000000", ""],
        ["TLO-DDD", "none", "0", "0", "0", ""],
    ]
    target = tmp_path / "allocation.csv"
    call_command("export_allocation", "--fy", "2010", "--output", str(target))
    assert target.read_bytes().decode("utf-8-sig").splitlines()[1].startswith("TLO-AAA,")


def test_export_allocation_command_without_allocation_says_so(cycle):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("export_allocation", "--fy", "2010")
    with pytest.raises(CommandError):
        call_command("export_allocation", "--fy", "1999")


def test_allocation_ceiling_equal_to_floor_fixes_the_amount(cycle, mext_official, institution_a):
    allocation = make(
        cycle,
        mext_official,
        limits={institution_a.pk: Limits(floor_yen=250_000_000, ceiling_yen=250_000_000)},
    )
    assert amounts(allocation)["TLO-AAA"] == 250_000_000
    assert sum(amounts(allocation).values()) == 600_000_000


def test_allocation_ceiling_below_floor_refused(cycle, mext_official, institution_a):
    with pytest.raises(ReviewError):
        make(
            cycle,
            mext_official,
            limits={institution_a.pk: Limits(floor_yen=250_000_000, ceiling_yen=249_999_000)},
        )
    assert not Allocation.objects.exists()


def test_allocation_new_from_a_stale_version_refused(cycle, mext_official):
    with pytest.raises(StaleVersion):
        allocations.save_allocation(
            actor=mext_official, cycle=cycle, budget_yen=600_000_000, expected_version=NEW + 2
        )
    assert not Allocation.objects.exists()


def test_allocation_approved_by_both_or_reopened_moves_the_data_version(
    cycle, mext_official, meti_official
):
    """An institution's page shows its approved amount and is cached (core.cache)."""
    from core.cache import current_data_version

    allocation = approve(mext_official, make(cycle, mext_official))
    before = current_data_version()
    allocation = approve(meti_official, allocation)
    approved = current_data_version()
    assert approved > before
    allocations.reopen_allocation(
        actor=mext_official,
        allocation=allocation,
        reason="予算変更",
        expected_version=allocation.version,
    )
    assert current_data_version() > approved
