"""The load of bench/bench_load.py: signed-in readers asking for one page, each request
for another year or filter. Run by bench_load.py (`locust --headless`), not on its own.

Environment: BENCH_PLAN (a JSON file: {"page": label, "urls": [...], "sessions": [...]}).
Every simulated reader takes one session (the same official, signed in once per reader
by bench_load.py) and asks, with no pause, for a random URL of the page's list.
"""

from __future__ import annotations

import json
import os
import random

from locust import FastHttpUser, constant, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115


class Reader(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        sessions = PLAN["sessions"]
        self.cookie = f"sessionid={sessions[id(self) % len(sessions)]}"
        self.rng = random.Random(id(self))

    @task
    def read(self) -> None:
        url = self.rng.choice(PLAN["urls"])
        with self.client.get(
            url, name=PLAN["page"], headers={"Cookie": self.cookie}, catch_response=True
        ) as response:
            if response.status_code != 200 or b'name="password"' in (response.content or b""):
                response.failure(f"{url}: {response.status_code}")
