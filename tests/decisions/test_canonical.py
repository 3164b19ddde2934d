"""The signed content is derived from the models: every field is signed or named as unsigned."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest
from django.db.models import ForeignObjectRel

from decisions.canonical import (
    DECISION_SIGNED_RELATIONS,
    PARTS,
    SIGNED_WHEN_SET,
    UNSIGNED,
    decision_canonical_content,
    decision_content_hash,
    signed_fields,
)
from decisions.models import BackgroundPaper, Decision
from tests.factories import (
    DecisionFactory,
    ExpenditureLineFactory,
    PartTwoFactory,
    RecommendationFactory,
    SupportingReportFactory,
    office,
)

pytestmark = pytest.mark.django_db

# The field lists the content was written out with by hand before it was derived.
# Nothing signed changed: the derivation gives the same document, so the same hash,
# and every sign-off already given still stands.
OLD_DECISION_FIELDS = [
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
OLD_REPORT_FIELDS = [
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


def _old_plain(value):
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def old_canonical_content(decision: Decision) -> dict:
    """decisions.canonical as it was written by hand (commit 095a390)."""
    report = getattr(decision, "report", None)
    part_two = getattr(decision, "part_two", None)
    return {
        "form_type": decision.form_type.name,
        # decision_maker was the office's code before offices were rows.
        "decision": {
            name: _old_plain(
                (decision.decision_maker.code if decision.decision_maker_id else "")
                if name == "decision_maker"
                else getattr(decision, name)
            )
            for name in OLD_DECISION_FIELDS
        },
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
        "report": {name: _old_plain(getattr(report, name)) for name in OLD_REPORT_FIELDS}
        if report
        else None,
        "papers": [
            {"title": paper.title, "file": paper.file.name, "size": paper.size}
            for paper in decision.papers.all()
        ],
        "part_two": {
            "content": part_two.content,
            "exemption": part_two.exemption,
            "rationale": part_two.rationale,
        }
        if part_two
        else None,
    }


def old_hash(decision: Decision) -> str:
    document = json.dumps(
        old_canonical_content(decision), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def every_part_filled(officer) -> Decision:
    decision = DecisionFactory(
        drafting_officer=officer,
        executive_summary="Summary",
        decision_maker=office("dmpc"),
        reserved_to_mayor=True,
        introduction="Intro",
        part1_deferred=True,
        deferral_reason="Tender",
        deferred_until=datetime.date(2030, 1, 31),
        has_part_two=True,
    )
    RecommendationFactory(decision=decision, text="Approve")
    RecommendationFactory(decision=decision, text="Delegate")
    ExpenditureLineFactory(decision=decision, amount=Decimal("1482400.00"))
    ExpenditureLineFactory(decision=decision, amount=Decimal("12.50"), is_confidential=True)
    SupportingReportFactory(
        decision=decision, meeting_date=datetime.date(2021, 10, 7), police_crime_plan_name="Plan"
    )
    PartTwoFactory(decision=decision, content="Secret", exemption="commercial", rationale="Why")
    BackgroundPaper.objects.create(
        decision=decision,
        title="Business case",
        file="papers/abc.pdf",
        original_filename="Business case.pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=officer,
    )
    return Decision.objects.get(pk=decision.pk)


def test_the_derived_content_is_the_hand_written_one_so_no_signature_is_voided(officer):
    for decision in (every_part_filled(officer), DecisionFactory()):
        assert decision_canonical_content(decision=decision) == old_canonical_content(decision)
        assert decision_content_hash(decision=decision) == old_hash(decision)
    # Signed since (left out of the document while empty, so the hashes above stand:
    # canonical.SIGNED_WHEN_SET); and decision_maker is signed as its office's code
    # (canonical.DECISION_SIGNED_RELATIONS).
    assert [f for f in signed_fields(Decision) if f not in SIGNED_WHEN_SET[Decision]] == [
        f for f in OLD_DECISION_FIELDS if f != "decision_maker"
    ]
    assert sorted(signed_fields(next(p.model for p in PARTS if p.key == "report"))) == sorted(
        OLD_REPORT_FIELDS
    )


def test_a_flag_justification_is_signed_once_given(officer):
    decision = DecisionFactory(significant_public_interest=True)
    before = decision_content_hash(decision=decision)
    decision.flag_justifications = {"significant_public_interest": "A new delegation."}
    assert decision_content_hash(decision=decision) != before
    assert decision_canonical_content(decision=decision)["decision"]["flag_justifications"] == {
        "significant_public_interest": "A new delegation."
    }
    decision.flag_justifications = {}
    assert decision_content_hash(decision=decision) == before


def _covered(model) -> set[str]:
    """The names of the model's fields the document signs, itself or as parts of it."""
    covered = set(signed_fields(model))
    if model is Decision:
        covered |= DECISION_SIGNED_RELATIONS | {part.relation for part in PARTS}
    return covered


@pytest.mark.parametrize("model", UNSIGNED, ids=lambda model: model.__name__)
def test_every_field_is_signed_or_named_as_unsigned(model):
    """A field added to a model the signature covers must be one or the other: signed by
    default if it is a field of its own, and a relation (a new part) named either way."""
    for field in model._meta.get_fields():
        name = field.name
        assert name in _covered(model) or name in UNSIGNED[model], (
            f"{model.__name__}.{name} is neither signed nor in decisions.canonical.UNSIGNED"
        )
        assert not (name in _covered(model) and name in UNSIGNED[model]), name
        if field.is_relation and not isinstance(field, ForeignObjectRel):
            # A link to another row is never signed by itself (its id means nothing).
            assert name in UNSIGNED[model] or name in DECISION_SIGNED_RELATIONS, name
    # And no name is listed for a field that is no longer there.
    names = {field.name for field in model._meta.get_fields()}
    assert UNSIGNED[model] <= names, UNSIGNED[model] - names


def test_every_part_of_the_record_is_covered():
    assert {part.model for part in PARTS} | {Decision} == set(UNSIGNED)
