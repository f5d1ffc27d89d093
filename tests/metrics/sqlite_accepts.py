"""Run as a program by test_sqlite_concurrent_accepts: 20 officials' browsers accept one
report at once against a SQLite file database with the embedded default settings
(`make run`). Prints the outcomes as JSON: HTTP status and message of each request."""

import json
import os
import sys
import threading

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.pop("CELERY_BROKER_URL", None)

import django

django.setup()

from django.contrib.messages import get_messages  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from metrics.enums import ReportState  # noqa: E402
from metrics.models import AnnualReport  # noqa: E402
from tests.factories import InstitutionFactory, official_of  # noqa: E402

PEOPLE = 20


def main() -> None:
    call_command("migrate", verbosity=0)
    institution = InstitutionFactory(code="TLO-RACE")
    officials = [official_of(username=f"official-{n}") for n in range(PEOPLE)]
    report = AnnualReport.objects.create(
        institution=institution,
        fiscal_year=2010,
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    connections.close_all()
    start = threading.Barrier(PEOPLE)
    outcomes: list[dict] = []

    def accept(person) -> None:
        client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(person)
        start.wait()
        response = client.post(
            reverse("metrics:report_accept", args=[report.pk]), {"version": report.version}
        )
        with translation.override("en"):
            said = [str(m) for m in get_messages(response.wsgi_request)]
        outcomes.append({"status": response.status_code, "messages": said})
        connections.close_all()

    threads = [threading.Thread(target=accept, args=(p,)) for p in officials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stored = AnnualReport.objects.get(pk=report.pk)
    print(json.dumps({"outcomes": outcomes, "state": stored.state, "version": stored.version}))


main()
