"""The accessibility statement (アクセシビリティ方針): public, linked from every page's footer,
saying the target level, scope, test method and date, and known exceptions."""

import pytest


@pytest.mark.django_db
def test_accessibility_statement_anonymous_reads_it_in_japanese(anonymous_client):
    response = anonymous_client.get("/accessibility/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "<h1>アクセシビリティ方針</h1>" in text
    for part in (
        "JIS X 8341-3:2016",
        "適合レベルAA",
        "対象範囲",
        "試験の方法",
        "最終試験日",
        "既知の例外",
    ):
        assert part in text


@pytest.mark.django_db
def test_accessibility_statement_in_english(anonymous_client):
    response = anonymous_client.get("/en/accessibility/")

    assert "<h1>Accessibility statement</h1>" in response.content.decode()


@pytest.mark.django_db
def test_footer_links_to_the_accessibility_statement(client_for, staff_a):
    text = client_for(staff_a).get("/").content.decode()

    assert 'id="footer-accessibility"' in text and 'href="/accessibility/"' in text


@pytest.mark.django_db
def test_every_page_starts_with_a_skip_link_to_the_main_content(client_for, mext_official):
    text = client_for(mext_official).get("/metrics/reports/").content.decode()

    body = text.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#main-content">本文へ移動</a>')
    assert '<main id="main-content"' in text
