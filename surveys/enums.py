"""Every phase, action, relation and choice of the licensee survey. These strings appear
nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyPhase(models.TextChoices):
    SCHEDULED = "scheduled", _("not yet open")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class SurveyAction(models.TextChoices):
    EDIT = "edit", _("Edit")
    START = "start", _("Open now")
    INVITE = "invite", _("Stage the invitations")
    CLOSE = "close", _("Close the survey")


class Relation(models.TextChoices):
    LICENSEE = "licensee", _("licensee")
    JOINT_RESEARCH = "joint_research", _("joint research")
    OTHER = "other", _("other")


class WorkAgain(models.TextChoices):
    YES = "yes", _("yes")
    PERHAPS = "perhaps", _("perhaps")
    NO = "no", _("no")


class Dimension(models.TextChoices):
    """The three rated questions; the codes name the results' columns."""

    DESK = "desk", _("contact desk")
    CONTRACTING = "contracting", _("contracting")
    IP_HANDLING = "ip_handling", _("handling of IP")


# The label of every point of the 1–5 scale; no answer stands for 「該当しない」.
SCALE = (
    (5, _("5 – very satisfied")),
    (4, _("4 – satisfied")),
    (3, _("3 – neither satisfied nor dissatisfied")),
    (2, _("2 – dissatisfied")),
    (1, _("1 – very dissatisfied")),
)
NOT_APPLICABLE = _("not applicable")
