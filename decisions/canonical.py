"""The canonical content of a record: what a signature is bound to.

Part 1 and Part 2 as one JSON document with sorted keys, so that the same
content always gives the same bytes and the same SHA-256, and any change to
what was signed gives another.

The document is derived from the models: every field of the record and of its
parts is signed, but for those listed in UNSIGNED, the workflow's own state.
A field added to a model is therefore signed unless it is listed there
(tests/decisions/test_canonical.py fails until it is one or the other).
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from .models import (
    BackgroundPaper,
    Decision,
    ExpenditureLine,
    PartTwo,
    Recommendation,
    RelatedDecision,
    SupportingReport,
)

# Per model, the fields a signature does not bind, with why. Keys, links to the
# record and orderings are bookkeeping; the rest moves while the content stands still.
UNSIGNED: dict[type[Model], frozenset[str]] = {
    Decision: frozenset(
        {
            "id",
            # Given by the workflow: the number, the stage, who drafts it, the route's
            # rule and facts (the decision maker they give is signed), the dates.
            "series",
            "number",
            "status",
            "drafting_officer",
            "route_rule",
            "route_total",
            "route_total_confidential",
            "route_flags",
            "route_reason",
            "submitted_at",
            "decided_at",
            # Publication, after the signatures: the PDF, its search text, withdrawal.
            "published_at",
            "published_pdf",
            "published_pdf_sha256",
            "publication_error",
            "publication_attempted_at",
            "publication_state",
            "publication_started_at",
            "publication_tries",
            "deferral_reminded_at",
            "withdrawn_at",
            "withdrawal_reason",
            "search_text",
            "search_vector",
            # Says the drafter answered the publication questions; the answers are signed.
            "publication_answered",
            "created_at",
            "updated_at",
            "lock_version",
            # What the workflow hangs on a record: the declaration lines the sign-offs
            # tick, the sign-offs themselves, the cycles, the action log and the mail.
            "declaration_lines",
            "signoffs",
            "cycles",
            "actions",
            "notifications",
            # Later records' links to this one: their content, not this record's.
            "linked_from",
        }
    ),
    # The list's order is signed (the lines are listed in it), not its numbers.
    Recommendation: frozenset({"id", "decision", "position"}),
    ExpenditureLine: frozenset({"id", "decision", "position"}),
    SupportingReport: frozenset({"id", "decision"}),
    # The stored file's name and size identify the upload; the rest is its metadata.
    BackgroundPaper: frozenset(
        {"id", "decision", "original_filename", "content_type", "uploaded_by", "uploaded_at"}
    ),
    PartTwo: frozenset({"id", "decision"}),
    # The link is signed as it reads ("Amends PCD 134"): the relation and the reference.
    RelatedDecision: frozenset({"id", "from_decision", "position", "to_decision"}),
}


@dataclass(frozen=True)
class Part:
    """A part of the record in the document: its key there, its relation from Decision."""

    key: str
    relation: str
    model: type[Model]
    many: bool


PARTS = [
    Part("recommendations", "recommendations", Recommendation, many=True),
    Part("expenditure", "expenditure_lines", ExpenditureLine, many=True),
    Part("report", "report", SupportingReport, many=False),
    Part("papers", "papers", BackgroundPaper, many=True),
    Part("part_two", "part_two", PartTwo, many=False),
    Part("related", "related_links", RelatedDecision, many=True),
]
PARTS_ADDED_LATER = ("related",)
# The record's form type is signed by its name, at the top of the document; its
# decision maker by the office's code, as it was signed before offices were rows.
DECISION_SIGNED_RELATIONS = {"form_type", "decision_maker"}


def signed_fields(model: type[Model]) -> list[str]:
    """The names of the model's own fields (not relations) that a signature binds."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if not field.is_relation and field.name not in UNSIGNED[model]
    ]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        # A mapping (the sections not applicable, kind → reason) as JSON holds it, its
        # keys sorted by the document's dump whatever order the database kept them in.
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _fields(obj: Model, names: list[str]) -> Any:
    return {name: _plain(getattr(obj, name)) for name in names}


# Signed fields added after records were signed: left out of the document while they
# hold their default, so that the content of a record signed before they existed, and
# so the hash its sign-offs hold, is unchanged by their migration.
SIGNED_WHEN_SET: dict[type[Model], dict[str, Any]] = {
    BackgroundPaper: {"publish": False},
    Decision: {
        # The sections a record says do not apply, with the reason published for each.
        "sections_not_applicable": {},
        # Why each escalation flag set is set, by the flag's code.
        "flag_justifications": {},
    },
}


def _signed_values(obj: Model, names: list[str]) -> Any:
    values = _fields(obj, names)
    for name, default in SIGNED_WHEN_SET.get(type(obj), {}).items():
        if values.get(name) == default:
            del values[name]
    return values


def _part(decision: Decision, part: Part) -> Any:
    names = signed_fields(part.model)
    if not part.many:
        obj = getattr(decision, part.relation, None)
        return _signed_values(obj, names) if obj else None
    rows = [_signed_values(obj, names) for obj in getattr(decision, part.relation).all()]
    # A part of one signed field (a recommendation's text) is listed as its values.
    return [row[names[0]] for row in rows] if len(names) == 1 else rows


def decision_canonical_content(*, decision: Decision) -> dict[str, Any]:
    """Everything a signer vouches for: Part 1, the report, the papers and Part 2.

    Excludes the workflow's own state (UNSIGNED), so that moving the record along
    never changes what was signed.
    """
    fields = _signed_values(decision, signed_fields(Decision))
    fields["decision_maker"] = decision.decision_maker.code if decision.decision_maker_id else ""
    content = {
        "form_type": decision.form_type.name,
        "decision": fields,
        **{part.key: _part(decision, part) for part in PARTS},
    }
    # Parts added since records were first signed are left out while empty, so that
    # the hash of a record signed before them stays what it was.
    for key in PARTS_ADDED_LATER:
        if not content[key]:
            del content[key]
    return content


def decision_content_hash(*, decision: Decision) -> str:
    """SHA-256 (hex) of the record's canonical content."""
    document = json.dumps(
        decision_canonical_content(decision=decision),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(document.encode("utf-8")).hexdigest()
