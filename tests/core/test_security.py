"""Headers, error pages, health and private files: what every response promises."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.storage import private_storage
from metrics.enums import ImportState
from metrics.models import ImportJob

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_not_cached(client_for, viewer):
    response = client_for(viewer).get("/institutions/")
    assert response["Cache-Control"] == "private, no-store"


def test_downloads_of_signed_in_people_are_not_cached(client_for, viewer):
    response = client_for(viewer).get("/institutions/", {"format": "csv"})
    assert response["Cache-Control"] == "private, no-store"


def test_every_page_has_a_csp_without_inline_script(anonymous_client, client_for, viewer):
    for response in (anonymous_client.get("/accounts/login/"), client_for(viewer).get("/")):
        policy = response["Content-Security-Policy"]
        script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert script.split() == ["script-src", "'self'"]


def test_no_template_has_an_inline_script():
    from pathlib import Path

    from django.conf import settings

    inline = []
    for template in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for chunk in text.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            # A JSON data block is never run (the dashboards' figures).
            if "src=" not in opening and 'type="application/json"' not in opening:
                inline.append(str(template))
    assert inline == []


def test_favicon_is_served_anonymously(anonymous_client):
    response = anonymous_client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_not_found_page_is_the_products_own_with_navigation(client_for, viewer):
    response = client_for(viewer).get("/institutions/NO-SUCH-CODE/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "見つかりません" in page
    assert 'id="nav-institutions"' in page
    assert "URLconf" not in page


def test_server_error_page_is_the_products_own(client_for, viewer, settings):
    from django.test import RequestFactory

    from core.views import server_error

    request = RequestFactory().get("/")
    request.user = viewer
    response = server_error(request)
    assert response.status_code == 500
    assert "エラーが発生しました" in response.content.decode()


def test_health_reports_database_and_broker_separately(anonymous_client):
    assert anonymous_client.get("/health/").json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "tasks_waiting": 0,
        "oldest_waiting_seconds": None,
    }


def test_health_says_when_the_broker_is_unreachable(anonymous_client):
    from celery import current_app

    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.broker_write_url
    nowhere = "redis://127.0.0.1:1/0"
    conf.task_always_eager, conf.broker_url, conf.broker_write_url = False, nowhere, nowhere
    try:
        response = anonymous_client.get("/health/")
    finally:
        conf.task_always_eager, conf.broker_url, conf.broker_write_url = saved
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unreachable",
        "tasks_waiting": 0,
        "oldest_waiting_seconds": None,
    }


def _stored_upload(person, content=b"<html><script>alert(1)</script></html>"):
    job = ImportJob.objects.create(
        uploaded_by=person, original_name="evil.html", state=ImportState.FAILED, result={}
    )
    job.file.save("evil.html", ContentFile(content))
    return job


def test_uploads_are_stored_privately_under_generated_names(staff_a, settings):
    job = _stored_upload(staff_a)
    assert "evil" not in job.file.name
    assert job.file.name.startswith("imports/")
    stored = private_storage.path(job.file.name)
    assert stored.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not stored.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        job.file.url  # noqa: B018


@pytest.mark.parametrize("persona", ["staff_a", "staff_b", "mext_official", "viewer"])
def test_nothing_under_media_answers_with_an_upload(request, client_for, staff_a, persona):
    job = _stored_upload(staff_a)
    client = client_for(request.getfixturevalue(persona))
    for path in (f"/media/{job.file.name}", f"/media/private/{job.file.name}"):
        response = client.get(path)
        assert response.status_code == 404
        assert b"alert(1)" not in response.content


def test_uploader_downloads_their_file_as_an_attachment(client_for, staff_a):
    job = _stored_upload(staff_a)
    response = client_for(staff_a).get(reverse("metrics:import_file", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"<html><script>alert(1)</script></html>"


@pytest.mark.parametrize(("persona", "status"), [("staff_b", 404), ("mext_official", 404)])
def test_others_cannot_download_an_upload(request, client_for, staff_a, persona, status):
    job = _stored_upload(staff_a)
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("metrics:import_file", args=[job.pk])
    )
    assert response.status_code == status


def test_viewer_cannot_download_an_upload(client_for, staff_a, viewer):
    job = _stored_upload(staff_a)
    response = client_for(viewer).get(reverse("metrics:import_file", args=[job.pk]))
    assert response.status_code == 403
