"""Who may do what with the customer survey. One predicate per rule."""

from __future__ import annotations

from institutions.models import Institution, User
from institutions.permissions import can_see_all_institutions, is_member

from .enums import SurveyPhase
from .models import Survey


def can_manage_surveys(user: User) -> bool:
    """Officials (and administrators) run the survey and see every TLO's results."""
    return can_see_all_institutions(user)


def can_view_surveys(user: User) -> bool:
    """Everybody signed in sees the survey list: staff their own TLO, viewers the
    national figures (under the small-group rule, surveys.pages.national_context),
    officials everything."""
    return user.is_authenticated


def can_read_contacts(user: User, institution: Institution) -> bool:
    """A TLO's customer contacts: its own staff and officials, nobody else."""
    return can_manage_surveys(user) or is_member(user, institution)


def can_edit_contacts(user: User, survey: Survey, institution: Institution) -> bool:
    """The TLO's own staff, until the survey opens."""
    return is_member(user, institution) and survey.phase == SurveyPhase.SCHEDULED


def can_see_own_results(user: User, institution: Institution) -> bool:
    """The TLO's own response rate (and, from 5 answers, its means)."""
    return is_member(user, institution)


def staff_institutions(user: User) -> list[Institution]:
    """The TLOs a staff member reports for (none for anyone else)."""
    if not user.is_authenticated or not user.is_tlo_staff:
        return []
    return list(user.institutions.order_by("code"))
