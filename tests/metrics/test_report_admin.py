"""The Django admin for reports: it opens, imports through the shared resource, and
a repair made there is attributed and moves the version on."""

import pytest

from institutions.enums import Role
from metrics.models import AnnualReport
from metrics.report_fields import REPORT_FIELDS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def report(institution_a):
    return AnnualReport.objects.create(institution=institution_a, fiscal_year=2010)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/metrics/annualreport/",
        "/admin/metrics/annualreport/import/",
        "/admin/metrics/annualreport/export/",
        "/admin/metrics/importjob/",
    ],
)
def test_admin_pages_open_for_administrator(client_for, administrator, report, path):
    assert client_for(administrator).get(path).status_code == 200


def test_admin_pages_are_not_for_officials(client_for, mext_official, report):
    response = client_for(mext_official).get("/admin/metrics/annualreport/")
    assert response.status_code == 302


def test_admin_change_is_attributed_and_moves_the_version(client_for, administrator, report):
    data = {
        "institution": str(report.institution_id),
        "fiscal_year": "2010",
        "state": "draft",
        "return_reason": "",
        "reopen_reason": "",
        "licences-TOTAL_FORMS": "0",
        "licences-INITIAL_FORMS": "0",
        "licences-MIN_NUM_FORMS": "0",
        "licences-MAX_NUM_FORMS": "1000",
        **{spec.code: "" for spec in REPORT_FIELDS},
        "licence_income": "4200000",
    }
    response = client_for(administrator).post(
        f"/admin/metrics/annualreport/{report.pk}/change/", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.licence_income, stored.version) == (4_200_000, 2)
    assert stored.history.first().history_user == administrator
