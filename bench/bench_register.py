"""Benchmark of the public register: list, search, filters, record page, PDF, feed, exports.

Makes a throwaway test database (test_<name> on PostgreSQL, a temporary file on SQLite),
fills it with --records published records (plus a tenth as many not on the register),
with two public money lines each and a confidential one in one record in ten,
then times each address through Django's test client (the whole request: URL routing,
middleware, view, queries, template) and prints the median and the 95th percentile.
No network: the client calls the application in-process.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/bench_register.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/decisions_dev \\
        DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/bench_register.py

On PostgreSQL it also prints the plan of the full-text search (EXPLAIN ANALYZE), to show
that the GIN index of migration 0005 is used.
"""

import argparse
import datetime
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# Stored PDFs of the run go to a folder of its own.
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="register-bench-"))

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

LONDON = ZoneInfo("Europe/London")
REFERENCE_TEXT = ROOT / "tests" / "data" / "pcd-1069.txt"
TOPICS = [
    "Custody suite refurbishment",
    "Body-worn video renewal",
    "Violence against women and girls fund",
    "Fleet telematics",
    "Victims' services commissioning",
    "Estates disposal",
    "Forensic laboratory capacity",
    "Youth diversion programme",
    "Digital evidence platform",
    "Neighbourhood policing pilot",
]
# In one record in a hundred: a search that finds few records.
RARE_WORD = "kestrel"


def sentences() -> list[str]:
    text = " ".join(REFERENCE_TEXT.read_text(encoding="utf-8").split())
    return [s.strip() + "." for s in text.split(". ") if len(s.split()) > 4]


def make_register(records: int, seed: int = 1069) -> None:
    """`records` published records (one withdrawn in fifty) and records/10 not on it."""
    from accounts.models import User
    from decisions.models import (
        Decision,
        ExpenditureLine,
        FormType,
        Office,
        Organisation,
        ReferenceSeries,
    )

    rng = random.Random(seed)
    pool = sentences()
    series = ReferenceSeries.objects.create(prefix="PCD", name="Police and Crime Decisions")
    organisation = Organisation.objects.get(slug="mopac")
    form_types = [
        FormType.objects.create(
            organisation=organisation, name="DMPC Decision", slug="dmpc-decision", series=series
        ),
        FormType.objects.create(
            organisation=organisation,
            name="Director Decision",
            slug="director-decision",
            series=series,
        ),
    ]
    for form_type in form_types:
        form_type.add_default_sections()
    officer = User.objects.create_user(username="bench-officer")
    pdf = b"%PDF-1.7\n% register benchmark\n%%EOF\n"
    name = default_storage.save("published/bench.pdf", ContentFile(pdf))
    sha = hashlib.sha256(pdf).hexdigest()
    offices = {o.code: o for o in Office.objects.filter(organisation__slug="mopac")}
    makers = [offices["dmpc"], offices["dmpc"], offices["chief_executive"]]
    start = datetime.datetime(2019, 1, 1, 10, tzinfo=LONDON)
    rows = []
    for n in range(records + records // 10):
        on_register = n < records
        topic = TOPICS[n % len(TOPICS)]
        body = " ".join(rng.sample(pool, k=min(60, len(pool))))  # about 1,500 words
        if n % 100 == 7:
            body += f" The {RARE_WORD} review."
        published_at = start + datetime.timedelta(hours=12 * n)
        withdrawn = on_register and n % 50 == 3
        rows.append(
            Decision(
                form_type=form_types[n % 2],
                series=series,
                number=1000 + n,
                title=f"{topic} {n}",
                executive_summary=f"This decision seeks approval for {topic.lower()} ({n}).",
                drafting_officer=officer,
                decision_maker=makers[n % 3],
                status=(
                    Decision.Status.WITHDRAWN
                    if withdrawn
                    else Decision.Status.PUBLISHED
                    if on_register
                    else Decision.Status.APPROVED
                ),
                decided_at=published_at - datetime.timedelta(days=1),
                published_at=published_at if on_register else None,
                published_pdf=name if on_register else "",
                published_pdf_sha256=sha if on_register else "",
                withdrawn_at=published_at + datetime.timedelta(days=30) if withdrawn else None,
                withdrawal_reason="Superseded." if withdrawn else "",
                search_text=f"{topic} {n} {body}",
            )
        )
    Decision.objects.bulk_create(rows, batch_size=500)
    # Money, which the exports read: two public lines a record, and in one record in ten
    # a third, confidential, line (left out of the exports, with the total).
    numbers = dict(Decision.objects.values_list("pk", "number"))
    lines = [
        ExpenditureLine(
            decision_id=pk,
            position=position,
            kind=ExpenditureLine.Kind.CAPITAL if position == 1 else ExpenditureLine.Kind.REVENUE,
            financial_year="2024/25",
            amount=rng.randrange(1_000, 2_000_000_00) / 100,
            funding_source="Capital programme" if position == 1 else "Revenue budget",
            is_confidential=position == 3,
        )
        for pk, number in numbers.items()
        for position in (1, 2, 3)
        if position < 3 or number % 10 == 0
    ]
    ExpenditureLine.objects.bulk_create(lines, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE decisions_decision")


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int, int]:
    """Median and p95 in milliseconds, queries and bytes of one address, after a warm-up."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        size = len(b"".join(response))
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get(url))
    # Reads only: not search_plan's transaction and settings.
    reads = sum(1 for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT"))
    quantiles = statistics.quantiles(timings, n=20, method="inclusive")
    return statistics.median(timings), quantiles[18], reads, size


def explain_search(q: str) -> str:
    from register.selectors import published_decision_list, search_plan

    # As the register runs it (register.views.decision_list).
    with search_plan(q=q):
        return published_decision_list(q=q).explain(analyze=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=100, help="requests per page address")
    parser.add_argument("--export-runs", type=int, default=10, help="requests per export")
    parser.add_argument(
        "--only-exports", action="store_true", help="time the CSV and JSON exports only"
    )
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        began = time.perf_counter()
        make_register(args.records)
        print(
            f"{connection.vendor}: {args.records:,} records on the register, "
            f"{args.records // 10:,} not, made in {time.perf_counter() - began:.1f} s"
        )
        client = Client()
        middle = f"pcd-{1000 + args.records // 2}"
        pages = [
            ("list, page 1", "/decisions/"),
            ("list, page 100", "/decisions/?page=100"),
            ("list, filtered", "/decisions/?year=2021&form_type=dmpc-decision&decision_maker=dmpc"),
            ("search, rare word (1 in 100)", f"/decisions/?q={RARE_WORD}"),
            ("search, common word (every record)", "/decisions/?q=procurement"),
            ("search, two words", "/decisions/?q=tablets+fleet"),
            ("search + filters", "/decisions/?q=procurement&year=2021&decision_maker=dmpc"),
            ("search, a phrase in quotes", "/decisions/?q=%22custody+suites%22"),
            ("record page", f"/decisions/{middle}/"),
            ("PDF", f"/decisions/{middle}.pdf"),
            ("Atom feed (50 entries)", "/decisions/feed/"),
            ("sitemap", "/sitemap.xml"),
        ]
        exports = [
            ("CSV export", "/decisions/export.csv"),
            ("JSON export", "/decisions/export.json"),
        ]
        print("\n| Address | Median ms | p95 ms | Queries | Bytes |\n|---|---:|---:|---:|---:|")
        for label, url in [] if args.only_exports else pages:
            median, p95, queries, size = measure(client, url, args.runs)
            print(f"| {label} `{url}` | {median:.1f} | {p95:.1f} | {queries} | {size:,} |")
        for label, url in exports:
            median, p95, queries, size = measure(client, url, args.export_runs)
            print(f"| {label} `{url}` | {median:.1f} | {p95:.1f} | {queries} | {size:,} |")
        print(f"\n{args.runs} requests per page, {args.export_runs} per export, after one warm-up.")
        if connection.vendor == "postgresql":
            print(f"\nEXPLAIN ANALYZE of the search for {RARE_WORD!r}:\n")
            print(explain_search(RARE_WORD))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
