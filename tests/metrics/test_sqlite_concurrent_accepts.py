"""`make run` on SQLite: concurrent writes wait for each other (immediate transactions,
a busy timeout) instead of answering "database is locked" with a 500."""

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def test_sqlite_twenty_concurrent_accepts_one_wins_others_told(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tests.metrics.sqlite_accepts", str(tmp_path / "race.sqlite3")],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    statuses = sorted(o["status"] for o in found["outcomes"])
    assert statuses == [302] * 20
    said_accepted = set()
    for language in ("en", "ja"):
        with translation.override(language):
            said_accepted.add(gettext("The report has been accepted."))
    accepted = [o for o in found["outcomes"] if said_accepted & set(o["messages"])]
    assert len(accepted) == 1
    told = [o for o in found["outcomes"] if o not in accepted]
    assert all(len(o["messages"]) == 1 for o in told)  # each told why nothing changed
    assert (found["state"], found["version"]) == ("accepted", 2)
