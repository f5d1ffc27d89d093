"""Which fiscal years an institution may report for (SPEC §3: from its approval to now).

A report exists only for a fiscal year from the institution's approval year (or, for an
institution without one, such as an IP headquarters, the first year the ministries
collect: settings.REPORT_FIRST_FISCAL_YEAR) up to the fiscal year of today. The report
form, create_report and the spreadsheet import all ask here.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.fiscal_years import fiscal_year_of, format_fiscal_year
from institutions.models import Institution

# The IP headquarters programme (大学知的財産本部整備事業) began in FY2003; approved TLOs
# report from their approval year (the first in FY1998).
DEFAULT_FIRST_FISCAL_YEAR = 2003


def first_collected_year() -> int:
    return int(getattr(settings, "REPORT_FIRST_FISCAL_YEAR", DEFAULT_FIRST_FISCAL_YEAR))


def current_fiscal_year(today: datetime.date | None = None) -> int:
    return fiscal_year_of(today or timezone.localdate())


def first_report_year(approval_fy: int | None) -> int:
    return approval_fy if approval_fy else first_collected_year()


def reportable_years(institution: Institution, *, today: datetime.date | None = None) -> range:
    """The fiscal years the institution may have reports for, oldest first."""
    return range(first_report_year(institution.approval_fy), current_fiscal_year(today) + 1)


def year_refusal(
    fiscal_year: int, approval_fy: int | None, *, today: datetime.date | None = None
) -> str:
    """Why an institution approved in `approval_fy` may not report for `fiscal_year`, or
    "" if it may. The message names the allowed span."""
    first, last = first_report_year(approval_fy), current_fiscal_year(today)
    if first <= fiscal_year <= last:
        return ""
    params = {
        "year": format_fiscal_year(fiscal_year),
        "first": format_fiscal_year(first),
        "last": format_fiscal_year(last),
    }
    if fiscal_year > last:
        return (
            _(
                "%(year)s has not begun yet: reports can be made from %(first)s to the "
                "current fiscal year, %(last)s."
            )
            % params
        )
    if approval_fy:
        return (
            _(
                "%(year)s is before the institution's approval: reports can be made from "
                "%(first)s to %(last)s."
            )
            % params
        )
    return (
        _(
            "%(year)s is before the ministries began collecting figures: reports can be "
            "made from %(first)s to %(last)s."
        )
        % params
    )
