"""A TLO's customer list: entered one by one, or uploaded as a file."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.enums import JobState
from core.jobs import move_job, record_progress, silent_jobs
from core.tables.uploads import UnreadableUpload, read_upload_rows
from core.tasks import enqueue
from core.text import display_file_name
from institutions.models import Institution, User

from ..contacts_file import (
    MAX_CONTACTS,
    MAX_UPLOAD_BYTES,
    ContactListError,
    check_contact,
    contact_rows,
    normalise_email,
    nul_in_csv,
)
from ..models import Contact, ContactUpload, Survey
from ..permissions import can_edit_contacts

logger = logging.getLogger(__name__)


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


def read_contact_table(data: bytes) -> list[list[str]]:
    """The cells of an uploaded list (parsed in core.tables' sandboxed child);
    ContactListError saying why a file cannot be read, by row and column where it can."""
    try:
        return read_upload_rows(data)
    except UnreadableUpload as error:
        raise ContactListError(nul_in_csv(data, error.problem) or str(error)) from None


@transaction.atomic
def start_contact_upload(
    *,
    actor: User,
    survey: Survey,
    institution: Institution,
    file_name: str,
    data: bytes,
    language: str,
) -> ContactUpload:
    """Store an uploaded customer list, to be checked and added in the background;
    nothing is parsed here, so that no file holds the request.

    Side effects, in order: refuses (ContactListError) once the survey opened, and a
    file over MAX_UPLOAD_BYTES (nothing stored); stores the file privately and a
    ContactUpload (uploaded); queues surveys.load_contact_upload for when the
    transaction commits (under eager settings it runs then, in a background thread)."""
    _check_may_edit(actor, survey, institution)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ContactListError(_("The file is larger than 2 MB."))
    name = display_file_name(file_name)
    upload = ContactUpload.objects.create(
        survey=survey,
        institution=institution,
        uploaded_by=actor,
        file=ContentFile(data, name=name),
        original_name=name,
        language=language,
    )
    enqueue("surveys.load_contact_upload", upload.pk)
    return upload


def run_contact_upload(*, upload_id: int) -> ContactUpload:
    """Check and add an uploaded customer list (the background half of
    start_contact_upload): every row or none.

    Side effects, in order: the upload moves to checking (a task delivered again after
    its upload moved on does nothing); the file is parsed and every row checked against
    the list as it is, then the rows are added in one transaction that moves the upload
    to applied with the count; or it ends failed with the problems, each naming its row
    and column, and nothing added. The stored file (personal data) is deleted either
    way."""
    running = (JobState.UPLOADED, JobState.PARSING)
    if not move_job(ContactUpload, upload_id, sources=running, target=JobState.PARSING):
        return ContactUpload.objects.get(pk=upload_id)
    upload = ContactUpload.objects.select_related("survey", "institution", "uploaded_by").get(
        pk=upload_id
    )
    with translation.override(upload.language or None):
        try:
            with upload.file.open("rb") as stored:
                data = stored.read()
            table = read_contact_table(data)
            record_progress(ContactUpload, upload_id, done=0, total=max(0, len(table) - 1))
            _add_rows(upload, table)
        except ContactListError as error:
            _fail_contact_upload(upload_id, error.problems)
        except Exception:
            logger.exception("contact upload %s failed; nothing was added", upload_id)
            _fail_contact_upload(upload_id, [_(UPLOAD_SYSTEM_ERROR)])
        finally:
            upload.file.delete(save=False)
            ContactUpload.objects.filter(pk=upload_id).update(file="")
    return ContactUpload.objects.get(pk=upload_id)


@transaction.atomic
def _add_rows(upload: ContactUpload, table: list[list[str]]) -> None:
    # The survey row is locked so that two lists of the same survey are checked against
    # each other's addresses and MAX_CONTACTS one after the other.
    survey = Survey.objects.select_for_update().get(pk=upload.survey_id)
    _check_may_edit(upload.uploaded_by, survey, upload.institution)
    known = set(
        Contact.objects.filter(survey=survey, institution=upload.institution).values_list(
            "email", flat=True
        )
    )
    rows = contact_rows(table, existing=known)
    for row in rows:
        # One by one so that each lands in the history with its author.
        Contact.objects.create(
            survey=survey,
            institution=upload.institution,
            company=row.company,
            person=row.person,
            email=row.email,
            relation=row.relation,
        )
    moved = move_job(
        ContactUpload,
        upload.pk,
        sources=[JobState.PARSING],
        target=JobState.APPLIED,
        added=len(rows),
        total_rows=len(rows),
        processed_rows=len(rows),
    )
    if not moved:  # failed meanwhile (the heartbeat sweep): add nothing
        raise ContactListError(_(UPLOAD_WORKER_LOST))


UPLOAD_SYSTEM_ERROR = gettext_noop(
    "The list could not be read because of an error in the system. No customer was "
    "added; please try again later or tell the system administrator."
)
UPLOAD_WORKER_LOST = gettext_noop(
    "Checking the list stopped: the process working on it gave no sign of life for "
    "several minutes (it may have been restarted). No customer was added; please "
    "upload the file again."
)


def _fail_contact_upload(upload_id: int, problems: list[str]) -> bool:
    return move_job(
        ContactUpload,
        upload_id,
        sources=[JobState.UPLOADED, JobState.PARSING],
        target=JobState.FAILED,
        problems=problems,
    )


def fail_silent_contact_uploads() -> int:
    """Fail the uploads being checked whose worker gave no sign of life for a few
    minutes, saying so in the uploader's language. Returns how many."""
    failed = 0
    for upload in ContactUpload.objects.filter(pk__in=silent_jobs(ContactUpload)):
        with translation.override(upload.language or None):
            failed += _fail_contact_upload(upload.pk, [_(UPLOAD_WORKER_LOST)])
    return failed
