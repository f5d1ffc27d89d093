"""Every stage, state, kind and action of the joint review. These strings appear nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """A review cycle's stages, in order (SPEC §5)."""

    PLANNING = "planning", _("planning")
    STATEMENTS = "statements", _("statements open")
    SCORING = "scoring", _("scoring and hearings")
    DELIBERATION = "deliberation", _("deliberation")
    DECIDED = "decided", _("decided")
    PUBLISHED = "published", _("published")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


class CycleAction(models.TextChoices):
    OPEN_STATEMENTS = "open_statements", _("Open the statements")
    OPEN_SCORING = "open_scoring", _("Open scoring and hearings")
    START_DELIBERATION = "start_deliberation", _("Start the deliberation")
    CLOSE_DECISIONS = "close_decisions", _("Close the decisions")
    PUBLISH = "publish", _("Publish the results")
    BACK_TO_PLANNING = "back_to_planning", _("Back to planning")
    BACK_TO_STATEMENTS = "back_to_statements", _("Back to statements")
    BACK_TO_SCORING = "back_to_scoring", _("Back to scoring")
    BACK_TO_DELIBERATION = "back_to_deliberation", _("Back to deliberation")


class Activity(models.TextChoices):
    """What people may do in a stage: the columns of the stage gate table."""

    EDIT_SETTINGS = "edit_settings", _("change the cycle's institutions and criteria")
    ASSIGN = "assign", _("assign reviewers")
    DECLARE_CONFLICT = "declare_conflict", _("declare conflicts of interest")
    WRITE_STATEMENT = "write_statement", _("write the hearing statement")
    READ_MATERIAL = "read_material", _("read assigned institutions' material")
    SCHEDULE_HEARING = "schedule_hearing", _("schedule hearings")
    SCORE = "score", _("score")
    REOPEN_SCORES = "reopen_scores", _("reopen submitted scores")
    DELIBERATE = "deliberate", _("read every score, the aggregates and the deliberation")
    DECIDE = "decide", _("draft and approve decisions")
    SEE_DECISION = "see_decision", _("TLO staff see their decision")
    ALLOCATE = "allocate", _("allocate the support budget")


class ScoreState(models.TextChoices):
    """The state of one reviewer's scores on one institution (on the assignment)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    REOPENED = "reopened", _("reopened")


class ScoreAction(models.TextChoices):
    SAVE = "save", _("Save the draft")
    SUBMIT = "submit", _("Submit the scores")
    REOPEN = "reopen", _("Reopen the scores")


class ConflictKind(models.TextChoices):
    AFFILIATION = "affiliation", _("affiliation")
    PARTNER_UNIVERSITY = "partner_university", _("partner university")
    PERSONAL = "personal", _("personal")
    FINANCIAL = "financial", _("financial")
    OTHER = "other", _("other")


class ConflictState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    DECLARED = "declared", _("declared")
    CONFIRMED = "confirmed", _("confirmed")
    PINNED = "pinned", _("pinned")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DISMISSED = "dismissed", _("dismissed")


# A conflict in one of these states keeps the person away from the institution.
ACTIVE_CONFLICT_STATES: tuple[str, ...] = (
    ConflictState.PROPOSED,
    ConflictState.DECLARED,
    ConflictState.CONFIRMED,
    ConflictState.PINNED,
)


class ConflictAction(models.TextChoices):
    DECLARE = "declare", _("Declare")
    CONFIRM = "confirm", _("Confirm")
    PIN = "pin", _("Pin")
    UNPIN = "unpin", _("Unpin")
    WITHDRAW = "withdraw", _("Withdraw")
    DISMISS = "dismiss", _("Dismiss")


class SupportTier(models.TextChoices):
    PRIORITISED = "prioritised", _("prioritised support")
    STANDARD = "standard", _("standard support")
    CONDITIONAL = "conditional", _("conditional support")
    NONE = "none", _("no support")


class Recommendation(models.TextChoices):
    CONTINUE = "continue", _("continue")
    WIDER_AREA = "wider_area", _("wider area")
    SPECIALISE = "specialise", _("specialisation")
    INTERNALISE = "internalise", _("internalisation")
    MERGE = "merge", _("merger")


class DecisionState(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED_BY_ONE = "approved_by_one", _("approved by one ministry")
    APPROVED = "approved", _("approved by both ministries")


class DecisionAction(models.TextChoices):
    EDIT = "edit", _("Save the decision")
    APPROVE = "approve", _("Approve for my ministry")
    COUNTERSIGN = "countersign", _("Approve for the second ministry")
    REOPEN = "reopen", _("Reopen the decision")


class AidRule(models.TextChoices):
    """The seed's rules for support, as the decision aid applies them."""

    MODEL = "model", _("(a) a model in business and sales")
    DEFICIT_WITH_NECESSITY = (
        "deficit_with_necessity",
        _("(b) in deficit, with regional necessity, self-help and regional support"),
    )
    CONSOLIDATION = "consolidation", _("candidate for consolidation")
    INCOMPLETE = "incomplete", _("not enough figures or scores")


class AllocationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED_BY_ONE = "approved_by_one", _("approved by one ministry")
    APPROVED = "approved", _("approved by both ministries")


class AllocationAction(models.TextChoices):
    EDIT = "edit", _("Change the allocation")
    APPROVE = "approve", _("Approve for my ministry")
    COUNTERSIGN = "countersign", _("Approve for the second ministry")
    REOPEN = "reopen", _("Reopen the allocation")


class ScenarioKind(models.TextChoices):
    MERGER = "merger", _("merger")
    INTERNALISATION = "internalisation", _("internalisation")
