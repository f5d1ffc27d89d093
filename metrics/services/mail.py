"""The e-mails of the annual data collection, written through notifications.notify.

Sent at once (not held for release): a return, an acceptance or a reopening concerns
the institution's own report, and a reminder is the point of the daily task. Officials
read every message in the outbox (/notifications/). Messages are written in the
product's language (Japanese), whatever language the acting official browses in,
because they go to the institutions' staff.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.people import person_name
from institutions.enums import Role
from institutions.fiscal_years import format_action_date, format_fiscal_year
from institutions.models import Institution, User
from notifications.enums import NotificationKind
from notifications.services import notify

from ..models import AnnualReport, CollectionRound


def institution_staff(institution: Institution) -> list[User]:
    """The active TLO staff of an institution: who the collection writes to."""
    return list(
        User.objects.filter(
            memberships__institution=institution, role=Role.TLO_STAFF, is_active=True
        ).order_by("pk")
    )


def site_url(path: str) -> str:
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def _send(*, actor, kind, institution, subject, body, link, about) -> int:
    recipients = institution_staff(institution)
    if recipients:
        notify(
            actor=actor,
            kind=kind,
            recipients=recipients,
            subject=subject,
            body=body,
            about=about,
            link=link,
        )
    return len(recipients)


def _about(report: AnnualReport) -> str:
    return f"{report.institution.name_ja} {format_fiscal_year(report.fiscal_year, 'ja')}"


def _report_mail(
    *, actor: User, report: AnnualReport, kind: str, subject: str, body: str, **extra: str
) -> int:
    """Write one of the report e-mails to the institution's staff, in the product's
    language; `subject` and `body` are msgids (marked with gettext_noop where defined)."""
    link = reverse("metrics:report_detail", args=[report.pk])
    with translation.override(settings.LANGUAGE_CODE):
        params = {**_params(report, actor, link), **extra}
        subject, body = _(subject) % params, _(body) % params
    return _send(
        actor=actor,
        kind=kind,
        institution=report.institution,
        subject=subject,
        body=body,
        link=link,
        about=_about(report),
    )


def report_returned(*, actor: User, report: AnnualReport) -> int:
    """Tell the institution's staff that their report was returned, and why."""
    return _report_mail(
        actor=actor,
        report=report,
        kind=NotificationKind.REPORT_RETURNED,
        subject=gettext_noop("Your annual report for %(year)s has been returned"),
        body=gettext_noop(
            "%(institution)s\n\n"
            "%(official)s has returned your annual report for %(year)s.\n\n"
            "Reason:\n%(reason)s\n\n"
            "Please correct the report and submit it again:\n%(url)s\n"
        ),
        reason=report.return_reason,
    )


def report_accepted(*, actor: User, report: AnnualReport) -> int:
    """Tell the institution's staff that their report was accepted."""
    return _report_mail(
        actor=actor,
        report=report,
        kind=NotificationKind.REPORT_ACCEPTED,
        subject=gettext_noop("Your annual report for %(year)s has been accepted"),
        body=gettext_noop(
            "%(institution)s\n\n"
            "%(official)s has accepted your annual report for %(year)s. It is now locked; "
            "if something must be corrected, ask the ministries to reopen it.\n\n%(url)s\n"
        ),
    )


def report_reopened(*, actor: User, report: AnnualReport) -> int:
    """Tell the institution's staff that their accepted report was reopened, and why."""
    return _report_mail(
        actor=actor,
        report=report,
        kind=NotificationKind.REPORT_REOPENED,
        subject=gettext_noop("Your annual report for %(year)s has been reopened"),
        body=gettext_noop(
            "%(institution)s\n\n"
            "%(official)s has reopened your accepted annual report for %(year)s so that it "
            "can be corrected.\n\n"
            "Reason:\n%(reason)s\n\n"
            "Please correct the report and submit it again:\n%(url)s\n"
        ),
        reason=report.reopen_reason,
    )


def reminder(
    *,
    collection_round: CollectionRound,
    institution: Institution,
    report: AnnualReport | None,
    today: datetime.date,
) -> int:
    """Remind the institution's staff that their report for the round is due (or late).
    Returns how many people it went to."""
    if report is None:
        link = reverse("metrics:report_create")
    else:
        link = reverse("metrics:report_detail", args=[report.pk])
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "institution": institution.name_ja,
            "year": format_fiscal_year(collection_round.fiscal_year),
            "deadline": format_action_date(collection_round.deadline),
            "url": site_url(link),
        }
        if today <= collection_round.deadline:
            days = (collection_round.deadline - today).days
            subject = _("Reminder: annual report for %(year)s due on %(deadline)s") % params
            lead = _(
                "Your annual report for %(year)s is due on %(deadline)s (in %(days)s days) "
                "and has not been submitted yet."
            ) % {**params, "days": days}
        else:
            subject = _("Overdue: annual report for %(year)s (deadline %(deadline)s)") % params
            lead = (
                _(
                    "The deadline for your annual report for %(year)s was %(deadline)s, and it "
                    "has not been submitted yet. Please submit it as soon as possible."
                )
                % params
            )
        body = f"{institution.name_ja}\n\n{lead}\n\n{params['url']}\n"
    return _send(
        actor=None,
        kind=NotificationKind.REPORT_REMINDER,
        institution=institution,
        subject=subject,
        body=body,
        link=link,
        about=f"{institution.name_ja} {format_fiscal_year(collection_round.fiscal_year, 'ja')}",
    )


def _params(report: AnnualReport, actor: User, link: str) -> dict[str, str]:
    return {
        "institution": report.institution.name_ja,
        "year": format_fiscal_year(report.fiscal_year),
        "official": person_name(actor),
        "url": site_url(link),
    }
