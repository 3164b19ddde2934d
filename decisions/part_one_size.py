"""How much a record's Part 1 holds, against what its PDF can render within the limit.

Each long text field refuses more than core.forms.MAX_SECTION_PARAGRAPHS paragraphs
and MAX_SECTION_LINES lines as it is drafted; here the same rule is asked of the
record as saved (it may have been written before the rule, or through the admin),
and a bound on the whole of Part 1, before submission. Deterministic, so a record is
refused for its content, never for a slow moment of the machine; a trial rendering at
submission (approvals/previews.py) is the second check. bench/README.md ("Rendering
bounded") has the measurements behind the figures.
"""

from typing import NamedTuple

from core.forms import section_size_message
from core.text import paragraphs_and_lines

from .models import Decision
from .sections import REPORT_SECTIONS, form_sections

# A Part 1 at these bounds renders in about a third of PDF_RENDER_TIMEOUT's default.
MAX_PART_ONE_PARAGRAPHS = 500
MAX_PART_ONE_LINES = 1_500
MAX_PART_ONE_CHARS = 80_000


class SectionSize(NamedTuple):
    name: str
    paragraphs: int
    lines: int
    chars: int


def part_one_texts(decision: Decision) -> list[tuple[str, str]]:
    """Every text of Part 1 that the PDF prints as paragraphs, named as the drafting pages
    name it. Reads the report and the recommendations (prefetched or not)."""
    report = getattr(decision, "report", None)
    texts = [
        ("Executive summary", decision.executive_summary),
        # Each recommendation is one or more paragraphs of the list.
        ("Recommendations", "\n\n".join(r.text for r in decision.recommendations.all())),
        # The sections of the record's form, named by its labels (a section it lacks is
        # not printed, whatever the field holds).
        *[(s.heading, getattr(decision, s.field)) for s in form_sections(decision.form_type)],
    ]
    if report is not None:
        texts += [
            ("Report executive summary", report.executive_summary),
            ("Introduction to the recommendations", report.recommendations_intro),
            ("Report recommendations", report.recommendations),
            ("Why the decision is time sensitive", report.time_sensitivity),
            *[
                (f"Supporting report: {s.heading}", getattr(report, s.field))
                for s in REPORT_SECTIONS
            ],
        ]
    return texts


def part_one_sizes(decision: Decision) -> list[SectionSize]:
    return [
        SectionSize(name, *paragraphs_and_lines(text), len(text or ""))
        for name, text in part_one_texts(decision)
    ]


def largest_section(decision: Decision) -> SectionSize:
    """The section that costs most to render: paragraphs first, then lines, then length."""
    return max(part_one_sizes(decision), key=lambda s: (s.paragraphs, s.lines, s.chars))


def part_one_too_large(decision: Decision) -> str | None:
    """Why the record's Part 1 is too large to render within the limit, naming the
    section to shorten; None if it is not."""
    for name, text in part_one_texts(decision):
        # Recommendations are refused one by one as they are added: here, all of them.
        if message := section_size_message(name, text):
            return message
    sizes = part_one_sizes(decision)
    largest = max(sizes, key=lambda s: (s.paragraphs, s.lines, s.chars))
    for total, most, unit in [
        (sum(s.paragraphs for s in sizes), MAX_PART_ONE_PARAGRAPHS, "paragraphs"),
        (sum(s.lines for s in sizes), MAX_PART_ONE_LINES, "lines"),
        (sum(s.chars for s in sizes), MAX_PART_ONE_CHARS, "characters"),
    ]:
        if total > most:
            return (
                f"Part 1 has {total:,} {unit} in all; it may have at most {most:,}. The "
                f"largest section is {largest.name} ({largest.paragraphs:,} paragraphs, "
                f"{largest.chars:,} characters): shorten it or move detail to a "
                "background paper."
            )
    return None
