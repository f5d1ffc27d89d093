"""A TLO's customer list: entered one by one, or uploaded as a file."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.tables.uploads import UnreadableUpload, read_upload_rows
from institutions.models import Institution, User

from ..contacts_file import (
    MAX_CONTACTS,
    ContactListError,
    ContactRow,
    check_contact,
    contact_rows,
    normalise_email,
)
from ..models import Contact, Survey
from ..permissions import can_edit_contacts


class ContactError(ValueError):
    """A contact that cannot be stored: problems by field."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(problems.values()))


def _check_may_edit(actor: User, survey: Survey, institution: Institution) -> None:
    if not can_edit_contacts(actor, survey, institution):
        raise ContactListError(_("The customer list can be changed only until the survey opens."))


@transaction.atomic
def save_contact(
    *,
    actor: User,
    survey: Survey,
    institution: Institution,
    company: str,
    person: str,
    email: str,
    relation: str,
    contact: Contact | None = None,
) -> Contact:
    """Add a customer to the TLO's list, or change one (`contact`).

    Side effects: the contact is stored with its history. Refused (ContactError) for a
    duplicate address or beyond MAX_CONTACTS; ContactListError once the survey opened."""
    _check_may_edit(actor, survey, institution)
    values = {
        "company": company.strip(),
        "person": person.strip(),
        "email": email.strip(),
        "relation": relation,
    }
    problems = check_contact(values)
    address = normalise_email(email)
    others = Contact.objects.filter(survey=survey, institution=institution)
    if contact is not None:
        others = others.exclude(pk=contact.pk)
    if "email" not in problems and others.filter(email=address).exists():
        problems["email"] = _("this address is already on the list")
    if contact is None and others.count() >= MAX_CONTACTS:
        problems["company"] = _("A TLO may list at most %(limit)s customers.") % {
            "limit": MAX_CONTACTS
        }
    if problems:
        raise ContactError(problems)
    contact = contact or Contact(survey=survey, institution=institution)
    contact.company = values["company"]
    contact.person = values["person"]
    contact.email = address
    contact.relation = relation
    contact.save()
    return contact


@transaction.atomic
def delete_contact(*, actor: User, contact: Contact) -> None:
    """Take a customer off the list (before the survey opens)."""
    _check_may_edit(actor, contact.survey, contact.institution)
    contact.delete()


def read_contact_file(data: bytes, *, existing: set[str]) -> list[ContactRow]:
    """The checked rows of an uploaded list; ContactListError naming every problem."""
    try:
        table = read_upload_rows(data)
    except UnreadableUpload as error:
        raise ContactListError(str(error)) from None
    return contact_rows(table, existing=existing)


@transaction.atomic
def upload_contacts(*, actor: User, survey: Survey, institution: Institution, data: bytes) -> int:
    """Add the customers of an uploaded file (CSV or XLSX) to the TLO's list.

    All or nothing: every problem is reported with its row and column, an address
    already on the list is a problem too. Returns how many were added."""
    _check_may_edit(actor, survey, institution)
    known = set(
        Contact.objects.filter(survey=survey, institution=institution).values_list(
            "email", flat=True
        )
    )
    rows = read_contact_file(data, existing=known)
    for row in rows:
        # One by one so that each lands in the history with its author.
        Contact.objects.create(
            survey=survey,
            institution=institution,
            company=row.company,
            person=row.person,
            email=row.email,
            relation=row.relation,
        )
    return len(rows)
