"""Small helpers for tests (fixtures are in conftest.py)."""

from typing import Any

from django.test import Client


def get_ok(client: Client, url: str, **params: Any):
    """GET a page that must answer 200; the response."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response
