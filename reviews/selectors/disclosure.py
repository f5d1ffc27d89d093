"""What a reader knows by name, for the disclosure control of group figures (issue #14).

Anonymised group figures must not let a reader subtract what they already know: TLO staff
know their own institutions' figures, reviewers those of the institutions assigned to
them (they read them named in the material). The rule needs reviews, so it lives here
and the dashboards (and this app's own pages) pass it to metrics.selectors.disclosure.
"""

from __future__ import annotations

from institutions.enums import Role
from institutions.models import User
from metrics.selectors.metric_values import own_institution_ids

from ..models import Assignment


def known_institution_ids(user: User) -> frozenset[int]:
    """TLO staff: their own institutions. Reviewers: every institution ever assigned to
    them, whatever the cycle, the stage or a later conflict (knowing more only withholds
    more). Others: none. One query."""
    if not user.is_authenticated:
        return frozenset()
    known = set(own_institution_ids(user))
    if user.role == Role.REVIEWER:
        known.update(
            Assignment.objects.filter(reviewer=user).values_list("entry__institution_id", flat=True)
        )
    return frozenset(known)
