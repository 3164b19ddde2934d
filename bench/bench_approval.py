"""Benchmark of the approval POST with the database task backend: approval only enqueues.

Makes a throwaway test database (test_<name> on PostgreSQL, a temporary file on SQLite)
and --runs records at the decision maker's stage for each size: a small record (two
short paragraphs) and a very large one (the largest Part 1 submission accepts, 80,000
characters spread over every section, prose from PCD 1069, and 40 expenditure lines). Then the decision maker approves
each through Django's test client (the whole request: routing, middleware, form,
password check, the deciding transaction, the enqueueing) and the script prints the
median and the 95th percentile, beside the same figures for a trivial page (the sign-in
page, GET) measured in the same run, as a ceiling ratio. No network; no worker runs,
so nothing is rendered: it checks that each approval left its publication pending and
one queued task.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/bench_approval.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/decisions_dev \\
        DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/bench_approval.py
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="approval-bench-"))
# As in production: the approval enqueues its publication in the database's queue.
os.environ["DJANGO_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

REFERENCE_TEXT = ROOT / "tests" / "data" / "pcd-1069.txt"
SECTIONS = [
    "introduction",
    "issues_for_consideration",
    "financial_comments",
    "legal_comments",
    "commercial_issues",
    "gdpr_privacy",
    "equality_comments",
    "supporting_papers",
]
TARGET_MS = 300


def large_section(limit: int = 19_500) -> str:
    """Paragraphs of PCD 1069's prose, up to `limit` characters (a section may hold
    20,000)."""
    words = REFERENCE_TEXT.read_text(encoding="utf-8").split()
    paragraphs, text = [], ""
    for start in range(0, 10**6, 60):
        chunk = words[start % len(words) : start % len(words) + 60]
        paragraph = " ".join(chunk)
        if len(text) + len(paragraph) + 2 > limit:
            break
        paragraphs.append(paragraph)
        text = "\n\n".join(paragraphs)
    return text


def at_decision(officer, people, *, large: bool):
    """A record signed by the Chief Executive, waiting for the DMPC."""
    from approvals.services import decision_submit
    from decisions.models import DeclarationLine
    from decisions.part_one_size import MAX_PART_ONE_CHARS
    from tests.factories import (
        DecisionFactory,
        DeclarationLineFactory,
        ExpenditureLineFactory,
        RecommendationFactory,
    )
    from tests.workflow import clear_all, sign_to_approval

    # The largest Part 1 submission accepts (decisions.part_one_size: 80,000 characters
    # in all), spread over the sections.
    share = min(19_500, (MAX_PART_ONE_CHARS - 2_000) // len(SECTIONS))
    fields = {name: large_section(share) for name in SECTIONS} if large else {}
    decision = DecisionFactory(drafting_officer=officer, publication_answered=True, **fields)
    RecommendationFactory(decision=decision)
    # £1,482,400 either way: a decision for the DMPC.
    for _ in range(40 if large else 1):
        ExpenditureLineFactory(decision=decision, amount="37060.00" if large else "1482400.00")
    DeclarationLineFactory(
        decision=decision,
        kind=DeclarationLine.Kind.DRAFTING_OFFICER,
        statement="Drafted in accordance with MOPAC procedures.",
        ticked=True,
    )
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    return sign_to_approval(clear_all(decision, people), people)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="approvals of each size")
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django_tasks_db.models import DBTaskResult

        from core.roles import Role
        from decisions.models import Decision
        from tests.conftest import ROLE_USERNAMES
        from tests.factories import PASSWORD, UserFactory

        officer = UserFactory(roles=[Role.DRAFTING_OFFICER], username="officer")
        people = {
            role: UserFactory(roles=[role], username=name) for role, name in ROLE_USERNAMES.items()
        }
        client = Client()
        client.force_login(people[Role.DMPC])

        # The ceiling: a trivial page in the same process, database and moment.
        trivial = Client()
        for _ in range(5):
            trivial.get(reverse("login"))
        floor = []
        for _ in range(args.runs * 2):
            began = time.perf_counter()
            trivial.get(reverse("login"))
            floor.append((time.perf_counter() - began) * 1000)

        print(f"{connection.vendor}: {args.runs} approvals of each size, after one warm-up")
        print(f"{'request':56} {'median':>7} {'p95':>7} {'ratio (median, p95)':>20}")
        print(
            f"{'GET sign-in page (the ceiling)':56} {statistics.median(floor):7.1f} "
            f"{p95(floor):7.1f}"
        )
        worst = 0.0
        for large in (False, True):
            records = [at_decision(officer, people, large=large) for _ in range(args.runs + 1)]
            size = len("".join(getattr(records[0], name) for name in SECTIONS))
            timings = []
            for index, decision in enumerate(records):
                decision.refresh_from_db()
                began = time.perf_counter()
                response = client.post(
                    reverse("approvals:decide", args=[decision.pk]),
                    {
                        "lock_version": decision.lock_version,
                        "has_interest": "False",
                        "approve": "True",
                        "password": PASSWORD,
                    },
                )
                elapsed = (time.perf_counter() - began) * 1000
                assert response.status_code == 302, response.status_code
                if index:  # the first is the warm-up
                    timings.append(elapsed)
            pending = Decision.objects.filter(
                pk__in=[d.pk for d in records],
                status=Decision.Status.APPROVED,
                publication_state=Decision.PublicationState.PENDING,
            ).count()
            assert pending == len(records), "every approval leaves its publication pending"
            label = f"POST approve, {'very large' if large else 'small'} ({size:,} chars of Part 1)"
            ratios = (
                f"{statistics.median(timings) / statistics.median(floor):.1f}, "
                f"{p95(timings) / p95(floor):.1f}"
            )
            print(f"{label:56} {statistics.median(timings):7.1f} {p95(timings):7.1f} {ratios:>20}")
            worst = max(worst, p95(timings))
        queued = DBTaskResult.objects.filter(task_path="approvals.tasks.publish_decision").count()
        print(f"\nmilliseconds; {queued} publications queued, none rendered (no worker ran)")
        verdict = "met" if worst < TARGET_MS else "NOT met"
        print(f"target: p95 under {TARGET_MS} ms whatever the size: {verdict}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
