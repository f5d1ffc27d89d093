"""Registry files that break a rule of the database, or name no change: a message per
row and column, never a 500, and nothing derived that the file does not say."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from institutions.enums import InstitutionKind, InstitutionStatus, TloType
from institutions.models import Institution
from institutions.services import RegistryError, load_institution_rows, read_registry_file
from tests.factories import InstitutionFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kanto(db):
    return RegionFactory(code="kanto")


def _load(text: str, actor=None):
    with translation.override("en"):
        return load_institution_rows(rows=read_registry_file(text.encode()), actor=actor)


def test_registry_kind_change_leaving_a_tlo_type_is_a_row_problem(kanto):
    InstitutionFactory(code="TLO-X", kind=InstitutionKind.APPROVED_TLO, tlo_type=TloType.INTERNAL)
    with pytest.raises(RegistryError) as error:
        _load("code,name_ja,kind\nTLO-X,機関X,certified_tlo\n")
    assert len(error.value.problems) == 1
    assert "Row 2, column kind" in error.value.problems[0]
    assert Institution.objects.get(code="TLO-X").kind == InstitutionKind.APPROVED_TLO


def test_registry_status_active_leaving_a_revocation_date_is_a_row_problem(kanto):
    InstitutionFactory(
        code="TLO-R", status=InstitutionStatus.REVOKED, revoked_on=datetime.date(2010, 4, 1)
    )
    with pytest.raises(RegistryError) as error:
        _load("code,name_ja,kind,status\nTLO-R,機関R,approved_tlo,active\n")
    assert "Row 2, column status" in error.value.problems[0]
    assert "2010-04-01" in error.value.problems[0]
    assert Institution.objects.get(code="TLO-R").status == InstitutionStatus.REVOKED


def test_registry_file_without_status_column_leaves_status_alone(kanto):
    InstitutionFactory(
        code="TLO-R", status=InstitutionStatus.REVOKED, revoked_on=datetime.date(2010, 4, 1)
    )
    _load("code,name_ja,kind,revoked_on\nTLO-R,機関R,approved_tlo,\n")
    assert Institution.objects.get(code="TLO-R").status == InstitutionStatus.REVOKED


def test_registry_new_institution_without_status_column_starts_active(kanto):
    _load("code,name_ja,kind\nTLO-N,新機関,approved_tlo\n")
    assert Institution.objects.get(code="TLO-N").status == InstitutionStatus.ACTIVE


def test_registry_constraint_problems_keep_every_row_unchanged(kanto):
    InstitutionFactory(code="TLO-X", kind=InstitutionKind.APPROVED_TLO, tlo_type=TloType.INTERNAL)
    with pytest.raises(RegistryError):
        _load("code,name_ja,kind\nTLO-OK,良い行,approved_tlo\nTLO-X,機関X,university\n")
    assert not Institution.objects.filter(code="TLO-OK").exists()


@pytest.mark.parametrize(
    "name", ["機関\nX", "機関\rX", "機関\u2028X", "機関\u202eX", "機関\u2066X"]
)
def test_registry_name_with_line_break_or_direction_control_is_refused(kanto, name):
    text = f'code,name_ja,kind\nTLO-N,"{name}",approved_tlo\n'
    with pytest.raises(RegistryError) as error:
        _load(text)
    assert "Row 2, column name_ja" in error.value.problems[0]
    assert not Institution.objects.filter(code="TLO-N").exists()


def test_registry_upload_constraint_row_answers_with_message(client_for, mext_official, kanto):
    InstitutionFactory(code="TLO-X", kind=InstitutionKind.APPROVED_TLO, tlo_type=TloType.INTERNAL)
    body = b"code,name_ja,kind\nTLO-X,X,university\n"
    client = client_for(mext_official)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("institutions:upload"), {"file": SimpleUploadedFile("r.csv", body)}
        )
    page = client.get(response.url)
    assert page.status_code == 200
    assert "kind" in page.content.decode()
    assert Institution.objects.get(code="TLO-X").kind == InstitutionKind.APPROVED_TLO
