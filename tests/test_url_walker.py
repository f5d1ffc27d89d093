"""Every URL in the URLconf asks an anonymous person to sign in, bar a short allow-list."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

# Answering anonymously is allowed only for these (by URL name); "answer" is the
# customer survey's answer page (surveys), reached through a single-use link.
ALLOWED_ANONYMOUS = {"login", "health", "favicon", "answer"}

SAMPLE_ARGUMENTS = {
    "int": "1",
    "slug": "TLO-AAA",
    "str": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "x",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def _regex_group_sample(match: re.Match) -> str:
    body = match.group(1)
    first = body.split("|")[0]
    return first if re.fullmatch(r"\w+", first) else "1"


def _concrete(route: str) -> str:
    # Regex routes (the admin's): strip anchors, fill each group with a sample.
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"\(\?P<\w+>([^)]*)\)", _regex_group_sample, route)
    route = re.sub(r"\(\?:[^)]*\)\??", "", route)
    route = re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGUMENTS.get(m.group(1) or "str", "x"), route
    )
    return "/" + route.lstrip("/")


def _all_urls():
    urls = []
    for language in ("ja", "en"):
        with translation.override(language):
            for route, name in _walk(get_resolver().url_patterns):
                urls.append((_concrete(route), name))
    return sorted(set(urls))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "name"), [(u, n) for u, n in _all_urls() if n not in ALLOWED_ANONYMOUS]
)
def test_url_anonymous_is_sent_to_login(anonymous_client, url, name):
    response = anonymous_client.get(url, follow=True)
    # Every hop is a redirect, and the chain ends on the login form (the admin's own
    # login page forwards to the product's).
    assert response.redirect_chain, f"{url} answered {response.status_code} without a redirect"
    final_url = response.redirect_chain[-1][0]
    assert re.match(r"^(/en)?/accounts/login/", final_url), (url, response.redirect_chain)
    assert response.status_code == 200
    assert "registration/login.html" in [t.name for t in response.templates]


def test_url_walker_finds_the_registry_pages():
    urls = {url for url, _ in _all_urls()}
    assert "/institutions/" in urls
    assert "/en/institutions/" in urls


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/en/accounts/login/", "/health/"])
def test_url_allow_list_answers_anonymously(anonymous_client, url):
    assert anonymous_client.get(url).status_code == 200
