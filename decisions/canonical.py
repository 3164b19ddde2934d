"""The canonical content of a record: what a signature is bound to.

Part 1 and Part 2 as one JSON document with sorted keys, so that the same
content always gives the same bytes and the same SHA-256, and any change to
what was signed gives another.
"""

import hashlib
import json
from typing import Any

from .models import Decision

DECISION_FIELDS = [
    "title",
    "executive_summary",
    "decision_maker",
    "reserved_to_mayor",
    "significant_public_interest",
    "introduction",
    "issues_for_consideration",
    "financial_comments",
    "legal_comments",
    "commercial_issues",
    "gdpr_privacy",
    "equality_comments",
    "supporting_papers",
    "part1_deferred",
    "deferral_reason",
    "deferred_until",
    "has_part_two",
]
REPORT_FIELDS = [
    "organisation",
    "title",
    "meeting",
    "meeting_date",
    "report_by",
    "on_behalf_of",
    "protective_marking",
    "executive_summary",
    "recommendations_intro",
    "recommendations",
    "decision_required_by",
    "time_sensitivity",
    "introduction",
    "issues_for_consideration",
    "police_crime_plan_name",
    "police_crime_plan",
    "financial_comments",
    "legal_comments",
    "equality_comments",
    "privacy_comments",
    "real_estate",
    "environmental",
    "background_papers",
    "report_author",
]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _fields(obj: Any, names: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def decision_canonical_content(*, decision: Decision) -> dict[str, Any]:
    """Everything a signer vouches for: Part 1, the report, the papers and Part 2.

    Excludes the workflow's own state (status, number, route, sign-offs and the
    declaration lines they tick), so that moving the record along never changes
    what was signed.
    """
    report = getattr(decision, "report", None)
    part_two = getattr(decision, "part_two", None)
    return {
        "form_type": decision.form_type.name,
        "decision": _fields(decision, DECISION_FIELDS),
        "recommendations": [r.text for r in decision.recommendations.all()],
        "expenditure": [
            {
                "kind": line.kind,
                "financial_year": line.financial_year,
                "amount": str(line.amount),
                "funding_source": line.funding_source,
                "is_confidential": line.is_confidential,
            }
            for line in decision.expenditure_lines.all()
        ],
        "report": _fields(report, REPORT_FIELDS) if report else None,
        "papers": [
            {"title": paper.title, "file": paper.file.name, "size": paper.size}
            for paper in decision.papers.all()
        ],
        "part_two": (
            {
                "content": part_two.content,
                "exemption": part_two.exemption,
                "rationale": part_two.rationale,
            }
            if part_two
            else None
        ),
    }


def decision_content_hash(*, decision: Decision) -> str:
    """SHA-256 (hex) of the record's canonical content."""
    document = json.dumps(
        decision_canonical_content(decision=decision),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(document.encode("utf-8")).hexdigest()
