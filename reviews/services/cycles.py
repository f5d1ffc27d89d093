"""Creating cycles, their settings and criteria, and moving between stages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from core.versions import claim_version
from institutions.models import Institution, User

from ..defaults import DEFAULT_CRITERIA
from ..enums import Activity, CycleAction, DecisionState, Stage
from ..errors import ReviewError
from ..gates import require_stage
from ..models import Criterion, CycleEntry, ReviewCycle, StageChange, StagePlan
from ..permissions import can_manage_cycles
from ..workflow import CYCLE_WORKFLOW
from . import notices
from .conflicts import propose_conflicts

SETTING_FIELDS = (
    "home_run_threshold",
    "mext_reviewers_needed",
    "meti_reviewers_needed",
    "quorum",
    "aid_min_return_on_cost",
    "aid_min_home_runs",
    "aid_min_model_score",
    "aid_min_support_score",
)


def default_institutions() -> Iterable[Institution]:
    """Every active approved TLO."""
    return Institution.objects.approved_tlos().active().order_by("code")


@transaction.atomic
def create_cycle(
    *,
    actor: User | None,
    fiscal_year: int,
    institutions: Iterable[Institution] | None = None,
    planned: Mapping[str, Any] | None = None,
) -> ReviewCycle:
    """A cycle in planning for the fiscal year.

    Side effects, in order: the cycle is stored with default settings; a planned date
    per stage (empty unless given); the four default criteria with equal weights and
    their rubrics; one entry per institution (default: every active approved TLO);
    conflicts proposed from the reviewers' affiliations for those institutions.

    Last, the data version moves on (core.cache).
    """
    if actor is not None and not can_manage_cycles(actor):
        raise PermissionDenied
    if ReviewCycle.objects.filter(fiscal_year=fiscal_year).exists():
        raise ReviewError(
            _("A review cycle for fiscal year %(year)s exists already.") % {"year": fiscal_year}
        )
    cycle = ReviewCycle(fiscal_year=fiscal_year, created_by=actor)
    cycle._history_user = actor
    cycle.save()
    planned = planned or {}
    StagePlan.objects.bulk_create(
        [StagePlan(cycle=cycle, stage=stage, planned_on=planned.get(stage)) for stage in Stage]
    )
    Criterion.objects.bulk_create(
        [
            Criterion(
                cycle=cycle,
                code=spec.code,
                name_ja=spec.name_ja,
                name_en=spec.name_en,
                weight=Decimal(1),
                order=index,
                **{f"rubric_{n}": text for n, text in enumerate(spec.rubric, start=1)},
            )
            for index, spec in enumerate(DEFAULT_CRITERIA)
        ]
    )
    chosen = list(institutions if institutions is not None else default_institutions())
    CycleEntry.objects.bulk_create([CycleEntry(cycle=cycle, institution=i) for i in chosen])
    propose_conflicts(cycle=cycle)
    bump_data_version()
    return cycle


@transaction.atomic
def update_settings(
    *,
    actor: User,
    cycle: ReviewCycle,
    values: Mapping[str, Any],
    planned: Mapping[str, Any],
    criteria: Mapping[int, Mapping[str, Any]],
    expected_version: int,
) -> ReviewCycle:
    """Change the cycle's settings, planned dates and criteria (weights, rubrics), if
    nobody changed them since the form was opened (`expected_version`).

    Side effects: the cycle's version moves on; the cycle, its stage plans and criteria
    are saved with history.

    Last, the data version moves on (core.cache).
    """
    if not can_manage_cycles(actor):
        raise PermissionDenied
    require_stage(cycle, Activity.EDIT_SETTINGS)
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    claim_version(cycle, expected_version)
    for name in SETTING_FIELDS:
        if name in values:
            setattr(cycle, name, values[name])
    cycle._history_user = actor
    cycle.save()
    for plan in cycle.plans.all():
        if plan.stage in planned:
            plan.planned_on = planned[plan.stage]
            plan.save(update_fields=["planned_on"])
    for criterion in cycle.criteria.all():
        changes = criteria.get(criterion.pk)
        if not changes:
            continue
        for name, value in changes.items():
            setattr(criterion, name, value)
        criterion._history_user = actor
        criterion.save()
    bump_data_version()
    return cycle


@transaction.atomic
def set_institutions(
    *,
    actor: User,
    cycle: ReviewCycle,
    institutions: Iterable[Institution],
    expected_version: int,
) -> ReviewCycle:
    """Make the cycle's institutions exactly these, if nobody changed the cycle since the
    form was opened (`expected_version`).

    Side effects, in order: the cycle's version moves on; entries are added for new
    institutions (with conflicts proposed for them); entries of removed institutions are
    deleted, unless one has assignments, a statement, a hearing or a decision (then
    nothing changes).

    Last, the data version moves on (core.cache).
    """
    if not can_manage_cycles(actor):
        raise PermissionDenied
    require_stage(cycle, Activity.EDIT_SETTINGS)
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    claim_version(cycle, expected_version)
    wanted = {i.pk: i for i in institutions}
    current = {e.institution_id: e for e in cycle.entries.all()}
    removed = [e for pk, e in current.items() if pk not in wanted]
    busy = list(
        CycleEntry.objects.filter(pk__in=[e.pk for e in removed])
        .filter(
            Q(assignments__isnull=False)
            | Q(statement__isnull=False)
            | Q(hearing__isnull=False)
            | Q(decision__isnull=False)
        )
        .select_related("institution")
        .distinct()
        .order_by("institution__code")[:1]
    )
    if busy:
        raise ReviewError(
            _(
                "%(institution)s already has assignments or material in this cycle; remove those first."
            )
            % {"institution": busy[0].institution}
        )
    CycleEntry.objects.filter(pk__in=[e.pk for e in removed]).delete()
    added = [i for pk, i in wanted.items() if pk not in current]
    new_entries = CycleEntry.objects.bulk_create(
        [CycleEntry(cycle=cycle, institution=i) for i in added]
    )
    cycle._history_user = actor
    cycle.save(update_fields=["version"])
    propose_conflicts(cycle=cycle, entries=new_entries)
    bump_data_version()
    return cycle


@transaction.atomic
def change_stage(*, actor: User, cycle: ReviewCycle, action: str, reason: str = "") -> ReviewCycle:
    """Move the cycle to the stage the action leads to (CYCLE_WORKFLOW).

    Closing the decisions needs an approved decision for every institution. Publishing
    stages a message to each institution's staff (the outbox).

    Side effects, in order: the stage changes (with history); a StageChange records who,
    when, from, to and why; on publishing, the messages are staged.

    Last, the data version moves on (core.cache).
    """
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    target = CYCLE_WORKFLOW.check(actor, cycle, action, reason=reason)
    if action == CycleAction.CLOSE_DECISIONS:
        undecided = cycle.entries.exclude(decision__state=DecisionState.APPROVED)
        if undecided.exists():
            raise ReviewError(
                _(
                    "%(count)s institutions have no decision approved by both ministries yet "
                    "(for example %(institution)s)."
                )
                % {
                    "count": undecided.count(),
                    "institution": undecided.select_related("institution").first().institution,
                }
            )
    StageChange.objects.create(
        cycle=cycle, from_stage=cycle.stage, to_stage=target, actor=actor, reason=reason.strip()
    )
    cycle.stage = target
    cycle._history_user = actor
    cycle.save(update_fields=["stage"])
    if action == CycleAction.PUBLISH:
        for entry in cycle.entries.select_related("institution", "cycle"):
            staff = list(entry.institution.staff.filter(is_active=True))
            if staff:
                notices.decision_published(actor=actor, entry=entry, staff=staff)
    bump_data_version()
    return cycle
