"""Rendering the Part 1 PDF: one render of PCD 1069, a Part 1 at the submission bound,
and the staff preview's first and second request.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/bench_pdf.py [runs]

Makes a throwaway database (SQLite in a temporary file, or a test database on the
PostgreSQL of DATABASE_URL), loads the demo data, then:

1. renders PCD 1069 `runs` times (default 20) after one warm-up render, and prints
   the median and worst;
2. fills PCD 1069's Part 1 up to the bounds of decisions/part_one_size.py (every
   bound of the whole Part 1 reached, no section over its own) and renders it `runs`
   // 4 times (at least 3): the worst must stay well under the time limit,
   PDF_RENDER_TIMEOUT, the ceiling it is given as a ratio of;
3. asks for the staff preview of that record twice through Django's test client:
   the first request renders, the second serves the kept PDF. Given as a ratio of
   the first;
4. renders the record of finding D (a section of 6,666 one-character paragraphs,
   past every bound): the rendering is stopped at the limit.

Every render runs in a child process (approvals/pdf.py), as in production.
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

WORDS = (
    "the custody suites need refitting before the winter and the board asked officers "
    "to review the costs of each option with the estates team and report back"
).split()


def paragraph(chars: int, lines: int, seed: int) -> str:
    """About `chars` characters of words, broken into `lines` lines."""
    words, length, n = [], 0, seed
    while length < chars:
        word = WORDS[n % len(WORDS)]
        words.append(word)
        length += len(word) + 1
        n += 1
    per_line = -(-len(words) // lines)
    return "\n".join(" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line))


def fill_to_the_bound(decision) -> None:
    """PCD 1069 with four sections holding the whole Part 1's budget of paragraphs,
    lines and characters (the rest of Part 1 emptied, its summary and recommendations
    kept)."""
    from core.forms import MAX_SECTION_CHARS, MAX_SECTION_LINES, MAX_SECTION_PARAGRAPHS
    from decisions.part_one_size import (
        MAX_PART_ONE_CHARS,
        MAX_PART_ONE_LINES,
        MAX_PART_ONE_PARAGRAPHS,
        part_one_sizes,
        part_one_too_large,
    )
    from decisions.sections import PART_ONE_SECTIONS, REPORT_SECTIONS

    for section in PART_ONE_SECTIONS:
        setattr(decision, section.field, "")
    for section in REPORT_SECTIONS:
        setattr(decision.report, section.field, "")
    sizes = part_one_sizes(decision)
    fields = ["introduction", "issues_for_consideration", "legal_comments", "financial_comments"]
    count = len(fields)
    paragraphs = min(
        MAX_SECTION_PARAGRAPHS,
        (MAX_PART_ONE_PARAGRAPHS - sum(s.paragraphs for s in sizes)) // count,
    )
    lines = min(MAX_SECTION_LINES, (MAX_PART_ONE_LINES - sum(s.lines for s in sizes)) // count)
    chars = min(MAX_SECTION_CHARS, (MAX_PART_ONE_CHARS - sum(s.chars for s in sizes)) // count)
    # Each paragraph its share of the lines and of the characters (less its separator).
    per_paragraph = chars // paragraphs - 2
    for field in fields:
        text = "\n\n".join(
            paragraph(per_paragraph - 12, lines // paragraphs, seed=n) for n in range(paragraphs)
        )
        setattr(decision, field, text[:chars].strip())
    assert part_one_too_large(decision) is None, part_one_too_large(decision)
    decision.save()
    decision.report.save()


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def render_in_this_process(html: str) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from approvals.pdf import document_base_url, read_static_file

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            content, media_type = read_static_file(url)
            return URLFetcherResponse(url, content, {"Content-Type": media_type})

    document = weasyprint.HTML(string=html, base_url=document_base_url(), url_fetcher=Fetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)


def main(runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from approvals.pdf import PdfRenderError, part_one_pdf_html, render_part_one_pdf
    from approvals.selectors import decision_with_parts
    from decisions.models import Decision
    from decisions.part_one_size import part_one_sizes
    from demo.loader import demo_load

    demo_load()
    pk = Decision.objects.get(number=1069).pk
    decision = decision_with_parts(pk=pk)
    render_part_one_pdf(decision=decision)  # warm-up: imports, fonts
    timings, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(render_part_one_pdf(decision=decision))
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    # The same HTML rendered in this process, as before rendering had a child: what
    # the child costs.
    html = part_one_pdf_html(decision=decision, published_at=decision.published_at)
    in_process = [timed(lambda: render_in_this_process(html)) for _ in range(runs)]
    print(
        f"PCD 1069 Part 1 PDF on {connection.vendor}: {runs} renders, {size:,} bytes, "
        f"median {median * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms; in this "
        f"process (no child, no limits) median {statistics.median(in_process) * 1000:.0f} ms, "
        f"so the child costs {median / statistics.median(in_process):.2f} ×"
    )

    fill_to_the_bound(decision)
    decision = decision_with_parts(pk=pk)
    sizes = part_one_sizes(decision)
    ceiling = settings.PDF_RENDER_TIMEOUT
    bound_runs = max(3, runs // 4)
    at_bound = []
    for _ in range(bound_runs):
        started = time.perf_counter()
        size = len(render_part_one_pdf(decision=decision))
        at_bound.append(time.perf_counter() - started)
    print(
        f"Part 1 at the bound ({sum(s.paragraphs for s in sizes):,} paragraphs, "
        f"{sum(s.lines for s in sizes):,} lines, {sum(s.chars for s in sizes):,} characters): "
        f"{bound_runs} renders, {size:,} bytes, median {statistics.median(at_bound):.2f} s, "
        f"worst {max(at_bound):.2f} s = {max(at_bound) / ceiling:.2f} of the "
        f"{ceiling:g} s limit ({statistics.median(at_bound) / median:.0f} × PCD 1069)"
    )

    client = Client()
    client.force_login(Decision.objects.get(pk=pk).drafting_officer)
    url = reverse("approvals:pdf_preview", args=[pk])
    responses = []
    first = timed(lambda: responses.append(client.get(url)))
    second = timed(lambda: responses.append(client.get(url)))
    assert [r.status_code for r in responses] == [200, 200], responses
    assert responses[0].content == responses[1].content
    print(
        f"Preview of that record: first request {first:.2f} s (renders), second "
        f"{second * 1000:.0f} ms (kept) = {second / first:.3f} of the first"
    )

    # The record of finding D, past every bound (saved as no form would let it be):
    # the rendering is stopped at the limit.
    decision.introduction = "\n\n".join("x" for _ in range(6_666))
    decision.save(update_fields=["introduction"])
    decision = decision_with_parts(pk=pk)
    outcome = ""
    started = time.perf_counter()
    try:
        render_part_one_pdf(decision=decision)
    except PdfRenderError as error:
        outcome = str(error)
    took = time.perf_counter() - started
    print(
        f"A section of 6,666 one-character paragraphs: {outcome or 'rendered'} after "
        f"{took:.1f} s = {took / ceiling:.2f} of the limit"
    )


if __name__ == "__main__":
    config = setup_databases(verbosity=0, interactive=False)
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    finally:
        teardown_databases(config, verbosity=0)
