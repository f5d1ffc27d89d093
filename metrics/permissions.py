"""Who may do what with reports, imports and metrics. One predicate per rule.

Who sees which report is AnnualReport.objects.visible_to(user), used here, by the
lists and by the exports alike. Another institution's object is a 404 (callers use
`can_view_report` to decide whether an object exists for this person); the wrong role
is a 403. What each person may do to a report in its state is metrics.workflow's table.
"""

from __future__ import annotations

from institutions.models import Institution, User
from institutions.permissions import can_see_all_institutions, is_member, is_official

from .models import AnnualReport


def can_view_report(user: User, report: AnnualReport) -> bool:
    """The report is among those this person may see."""
    return AnnualReport.objects.visible_to(user).filter(pk=report.pk).exists()


def is_report_staff(user: User, report: AnnualReport) -> bool:
    """TLO staff of the report's institution: they enter and submit its figures."""
    return is_member(user, report.institution)


def can_judge_reports(user: User) -> bool:
    """Officials of either ministry return, accept and reopen reports (the queue is theirs)."""
    return is_official(user)


def can_create_report(user: User, institution: Institution) -> bool:
    return is_member(user, institution)


def can_view_report_list_of(user: User, institution: Institution) -> bool:
    """An institution's page lists its reports for its staff and those who see everything."""
    return can_see_all_institutions(user) or is_member(user, institution)


def can_import(user: User) -> bool:
    """TLO staff (for their own institutions) and officials (for all) upload spreadsheets."""
    return is_official(user) or (user.is_authenticated and user.is_tlo_staff)


def can_import_for(user: User, institution: Institution) -> bool:
    """A row of an import may be for this institution."""
    return can_see_all_institutions(user) or is_member(user, institution)


def can_view_named_metrics(user: User) -> bool:
    """Named rankings and other institutions' figures: officials and administrators."""
    return can_see_all_institutions(user)


def can_view_institution_metrics(user: User, institution: Institution) -> bool:
    """An institution's own metrics: officials, and the institution's staff."""
    return can_see_all_institutions(user) or is_member(user, institution)


def can_view_anonymised_metrics(user: User) -> bool:
    """Anonymised rankings and aggregates: every signed-in person."""
    return user.is_authenticated


def can_export_reports(user: User) -> bool:
    """TLO staff export their own institutions' reports; officials and administrators all."""
    return can_see_all_institutions(user) or (user.is_authenticated and user.is_tlo_staff)


def can_export_institution(user: User, institution: Institution) -> bool:
    return can_see_all_institutions(user) or is_member(user, institution)


def can_list_reports(user: User) -> bool:
    """The report list: TLO staff (their own institutions) and those who see every institution."""
    return user.is_authenticated and (user.is_tlo_staff or can_see_all_institutions(user))


def can_create_reports(user: User) -> bool:
    """TLO staff start reports for the institutions they belong to."""
    return user.is_authenticated and user.is_tlo_staff and user.memberships.exists()


def can_manage_rounds(user: User) -> bool:
    """Officials of either ministry open, change and close collection rounds."""
    return can_judge_reports(user)


def can_view_collection_status(user: User) -> bool:
    """The collection status page names every institution: officials and administrators."""
    return can_see_all_institutions(user)
