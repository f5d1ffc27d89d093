"""A scratch PostgreSQL database for a benchmark: created fresh, dropped afterwards."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse


@dataclass(frozen=True)
class ScratchDatabase:
    name: str
    url: str  # the scratch database's URL
    maintenance_url: str  # the server's maintenance database, to create and drop it

    @classmethod
    def on(cls, server_url: str, name: str) -> ScratchDatabase:
        """`name` on the server of `server_url`; BENCH_DATABASE_PREFIX, when set, replaces
        its "tlo_bench" (so that two people benchmarking on one server keep apart)."""
        prefix = os.environ.get("BENCH_DATABASE_PREFIX", "")
        if prefix:
            name = prefix + name.removeprefix("tlo_bench")
        parsed = urlparse(server_url)
        if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
            sys.exit("DATABASE_URL must point at PostgreSQL (postgres://…)")
        return cls(
            name=name,
            url=urlunparse(parsed._replace(path=f"/{name}")),
            maintenance_url=urlunparse(parsed._replace(path="/postgres")),
        )

    def recreate(self, *, drop_only: bool = False) -> None:
        import psycopg

        with psycopg.connect(self.maintenance_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            if not drop_only:
                connection.execute(f'CREATE DATABASE "{self.name}"')


def random_figures(rng, *, lowest: int = 0) -> dict[str, object]:
    """Every figure of an annual report, drawn from `rng` (counts `lowest`–300, amounts up
    to ¥500M in thousands, scores 1–5, FTE 1–30). Call after django.setup()."""
    from decimal import Decimal

    from metrics.report_fields import REPORT_FIELDS, Unit

    values: dict[str, object] = {}
    for spec in REPORT_FIELDS:
        if spec.unit == Unit.COUNT:
            values[spec.code] = rng.randint(lowest, 300)
        elif spec.unit == Unit.YEN:
            values[spec.code] = rng.randint(lowest, 500_000) * 1_000
        elif spec.unit == Unit.SCORE:
            values[spec.code] = Decimal(rng.randint(100, 500)) / 100
        else:
            values[spec.code] = Decimal(rng.randint(10, 300)) / 10
    return values
