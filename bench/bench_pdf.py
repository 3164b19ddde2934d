"""Rendering the Part 1 PDF of PCD 1069: how long one render takes.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/bench_pdf.py [runs]

Makes a throwaway database (SQLite in a temporary file, or a test database on the
PostgreSQL of DATABASE_URL), loads the demo data, then renders PCD 1069 `runs`
times (default 20) after one warm-up render, and prints the median and worst.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402


def main(runs: int) -> None:
    from approvals.pdf import render_part_one_pdf
    from approvals.selectors import decision_with_parts
    from decisions.models import Decision
    from demo.loader import demo_load

    demo_load()
    decision = decision_with_parts(pk=Decision.objects.get(number=1069).pk)
    render_part_one_pdf(decision=decision)  # warm-up: imports, fonts
    timings, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(render_part_one_pdf(decision=decision))
        timings.append(time.perf_counter() - started)
    print(
        f"PCD 1069 Part 1 PDF on {connection.vendor}: {runs} renders, {size:,} bytes, "
        f"median {statistics.median(timings) * 1000:.0f} ms, "
        f"worst {max(timings) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    config = setup_databases(verbosity=0, interactive=False)
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    finally:
        teardown_databases(config, verbosity=0)
