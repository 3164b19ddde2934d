"""What a page or a document shows of a record, prepared once for every place that shows it."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from approvals.models import SignOff

from .models import Decision
from .sections import PART_ONE_SECTIONS, REPORT_SECTIONS


def part_one_context(*, decision: Decision) -> dict[str, Any]:
    """The public Part 1 of a record: the decision form and its supporting report.

    Built from Part 1 fields only, so a template given this context cannot show
    Part 2 or a confidential amount. Expects the lists prefetched
    (selectors.decision_detail_for_user); costs no query then.
    """
    report = getattr(decision, "report", None)
    signoffs = [s for s in decision.signoffs.all() if s.voided_at is None]
    return {
        "decision": decision,
        "recommendations": list(decision.recommendations.all()),
        "part_one_sections": [(s, getattr(decision, s.field)) for s in PART_ONE_SECTIONS],
        "declaration_lines": list(decision.declaration_lines.all()),
        "report": report,
        "report_sections": [(s, getattr(report, s.field)) for s in REPORT_SECTIONS]
        if report
        else [],
        "ce_signoff": next((s for s in signoffs if s.kind == SignOff.Kind.CHIEF_EXECUTIVE), None),
        "decision_signoff": next((s for s in signoffs if s.kind == SignOff.Kind.DECISION), None),
    }


def part_one_plain_text(*, decision: Decision) -> str:
    """Part 1 as plain text (for search), from the very template the public page uses."""
    html = render_to_string(
        "decisions/part_one.html",
        {
            **part_one_context(decision=decision),
            "organisation_short_name": settings.ORGANISATION_SHORT_NAME,
        },
    )
    return " ".join(strip_tags(html).split())
