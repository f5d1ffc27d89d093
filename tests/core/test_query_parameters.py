"""A NUL in any query parameter (or the path) is a 400 that says so, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/institutions/?q=%00",
        "/institutions/?region=%00",
        "/metrics/export/reports/?institution=%00",
        "/institutions/?%00=1",
        "/institutions/TLO%00X/",
    ],
)
def test_nul_in_query_parameter_is_refused_with_message(client_for, mext_official, url):
    response = client_for(mext_official).get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_check_lets_ordinary_parameters_through(client_for, mext_official):
    assert client_for(mext_official).get("/institutions/?q=東京").status_code == 200
