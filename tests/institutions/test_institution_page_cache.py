"""The institution page's cache (institutions.views.institution_detail, core.cache):
never shared across audiences, languages or units; registry and report writes show on
the next request; a warm request runs no query of its own but the versions'."""

from __future__ import annotations

import pytest
from django.utils import translation

from institutions.models import Institution, Membership
from institutions.services import load_institution_rows
from metrics.services import reports
from metrics.services.metric_values import recompute_metric_values
from tests.factories import InstitutionFactory
from tests.metrics.metric_builders import accepted_report
from tests.support import get_ok

ROW = {"code": "TLO-PGE", "name_ja": "頁TLO", "kind": "approved_tlo", "tlo_type": "internal"}
URL = "/institutions/TLO-AAA/"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def reported(institution_a):
    accepted_report(
        institution_a,
        2010,
        licence_income=25_000_000,
        personnel_costs=8_000_000,
        patent_costs=2_000_000,
    )
    recompute_metric_values()


def test_staff_of_another_institution_never_receive_the_officials_page(
    client_for, reported, mext_official, staff_b
):
    assert 'id="institution-metrics"' in get_ok(client_for(mext_official), URL).content.decode()
    other = get_ok(client_for(staff_b), URL).content.decode()
    assert 'id="institution-metrics"' not in other
    assert 'id="annual-reports"' not in other


def test_viewer_never_receives_the_officials_page(client_for, reported, mext_official, viewer):
    get_ok(client_for(mext_official), URL)
    response = client_for(viewer).get(URL)
    assert 'id="institution-metrics"' not in response.content.decode()


def test_english_reader_never_receives_the_japanese_page(client_for, reported, mext_official):
    client = client_for(mext_official)
    assert "提携大学" in get_ok(client, URL).content.decode()
    english = get_ok(client, "/en" + URL).content.decode()
    assert "Partner universities" in english and "提携大学" not in english


def test_reader_who_switches_unit_sees_the_new_unit(client_for, reported, staff_a):
    client = client_for(staff_a)
    assert "25,000,000円" in get_ok(client, URL).content.decode()
    staff_a.amount_unit = "million"
    staff_a.save(update_fields=["amount_unit"])
    body = get_ok(client, URL).content.decode()
    assert "25.0百万円" in body and "25,000,000円" not in body


def test_a_new_draft_shows_on_the_next_request(client_for, staff_a, institution_a):
    client = client_for(staff_a)
    assert "2011年度" not in get_ok(client, URL).content.decode()
    reports.create_report(actor=staff_a, institution=institution_a, fiscal_year=2011)
    assert "2011年度" in get_ok(client, URL).content.decode()


def test_registry_changes_show_on_the_next_request(client_for, mext_official):
    load_institution_rows(rows=[ROW])
    client = client_for(mext_official)
    url = "/institutions/TLO-PGE/"
    assert "頁TLO" in get_ok(client, url).content.decode()
    load_institution_rows(rows=[{**ROW, "name_ja": "改名TLO", "alias_ja": "旧頁TLO"}])
    body = get_ok(client, url).content.decode()
    assert "改名TLO" in body and "旧頁TLO" in body


def test_a_new_alias_alone_shows_on_the_next_request(client_for, mext_official):
    load_institution_rows(rows=[ROW])
    client = client_for(mext_official)
    url = "/institutions/TLO-PGE/"
    assert "別名TLO" not in get_ok(client, url).content.decode()
    load_institution_rows(rows=[{**ROW, "alias_ja": "別名TLO"}])
    assert "別名TLO" in get_ok(client, url).content.decode()


def test_an_unknown_code_is_404_and_found_once_it_is_registered(client_for, mext_official):
    client = client_for(mext_official)
    assert client.get("/institutions/TLO-PGE/").status_code == 404
    load_institution_rows(rows=[ROW])
    assert client.get("/institutions/TLO-PGE/").status_code == 200


def test_joining_an_institution_shows_its_reports_section_at_once(
    client_for, institution_a, reported
):
    from tests.factories import staff_of

    person = staff_of(InstitutionFactory(), username="moving")
    client = client_for(person)
    assert 'id="annual-reports"' not in get_ok(client, URL).content.decode()
    Membership.objects.create(user=person, institution=Institution.objects.get(code="TLO-AAA"))
    assert 'id="annual-reports"' in get_ok(client, URL).content.decode()


def test_warm_page_runs_three_queries(client_for, mext_official, reported):
    """Session, person and the versions: nothing of the page itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(mext_official)
    get_ok(client, URL)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, URL)
    assert len(queries) == 3, [q["sql"] for q in queries.captured_queries]
