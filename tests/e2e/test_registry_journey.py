"""Sign in, open the institution list, filter by region, open a detail page, switch to English."""

import pytest

from institutions.services import load_registry
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_registry_journey(page, live_server):
    load_registry()
    UserFactory(username="viewer-e2e")

    login(page, live_server, "viewer-e2e", PASSWORD)
    page.click("nav >> text=機関一覧")
    page.wait_for_url(f"{live_server.url}/institutions/")

    page.select_option("select[name=region]", "kinki")
    page.select_option("select[name=kind]", "approved_tlo")
    page.click("#institution-filters button[type=submit]")
    page.wait_for_url("**/institutions/?*region=kinki*")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 5
    assert "関西ティー・エル・オー" in page.locator("table.data").inner_text()

    page.click("text=関西ティー・エル・オー")
    page.wait_for_url(f"{live_server.url}/institutions/TLO-KANSAI/")
    assert page.locator("h1").inner_text() == "関西ティー・エル・オー"
    assert "近畿地区" in page.locator("dl.profile").inner_text()

    page.click("a.language-switch")
    page.wait_for_url(f"{live_server.url}/en/institutions/TLO-KANSAI/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Kinki" in page.locator("dl.profile").inner_text()
    assert "Partner universities" in page.content()
