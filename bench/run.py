"""Run every benchmark in bench/ (bench_*.py) one after the other.

The benchmarks are measured on PostgreSQL: set DATABASE_URL, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/tlo_review make bench
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server: the figures are for PostgreSQL.")
        return 2
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        status |= subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
    return status


if __name__ == "__main__":
    sys.exit(main())
