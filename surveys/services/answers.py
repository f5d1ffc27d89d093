"""A customer's answer through the single-use link."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from core.tokens import token_hash

from ..models import COMMENT_MAX, Answer, Contact

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class InvitationUnusable(Exception):
    """Unknown, expired, of a closed survey: one plain refusal, no hint which."""


class AlreadyAnswered(Exception):
    """The link was used: the answer was received."""


def find_invitation(token: str) -> Contact:
    """The contact a presented token opens, if it may answer now.

    AlreadyAnswered for a used link; InvitationUnusable for anything else that is not
    a live link (malformed, unknown, void, of a survey not open)."""
    if not TOKEN_PATTERN.match(token or ""):
        raise InvitationUnusable
    contact = (
        Contact.objects.select_related("survey", "institution")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if contact is None:
        raise InvitationUnusable
    if contact.answered_at is not None:
        raise AlreadyAnswered
    if not contact.survey.is_answerable_on(timezone.localdate()):
        raise InvitationUnusable
    return contact


@transaction.atomic
def submit_answer(
    *,
    token: str,
    desk: int | None,
    contracting: int | None,
    ip_handling: int | None,
    work_again: str,
    comment: str,
) -> Answer:
    """Record one customer's answer, once.

    Side effects, in order: the contact is marked answered by a conditional UPDATE
    (of two concurrent submissions exactly one wins, the other gets AlreadyAnswered);
    the answer is stored for the contact's TLO and survey, without any link to the
    contact. The TLO and survey come from the token, never from the form."""
    contact = find_invitation(token)
    claimed = Contact.objects.filter(pk=contact.pk, answered_at__isnull=True).update(
        answered_at=timezone.now()
    )
    if claimed != 1:
        raise AlreadyAnswered
    return Answer.objects.create(
        survey=contact.survey,
        institution=contact.institution,
        desk=desk,
        contracting=contracting,
        ip_handling=ip_handling,
        work_again=work_again,
        comment=comment[:COMMENT_MAX],
        answered_on=timezone.localdate(),
    )
