"""Form types' sections in the Part 1 PDF (parsed with pypdf) and in what is signed."""

import pytest

from approvals import pdf
from approvals.selectors import decision_with_parts
from approvals.services import decision_return
from decisions import services as drafting
from decisions.canonical import decision_content_hash
from decisions.models import FormSection, FormType
from tests.approvals.test_pdf import body_text
from tests.factories import (
    DecisionFactory,
    RecommendationFactory,
    ReferenceSeriesFactory,
    policing_office,
)

pytestmark = pytest.mark.django_db

CITY_SECTIONS = [
    ("introduction", "Introduction and background", False),
    ("issues_for_consideration", "Objectives and expected outcomes", False),
    ("financial_comments", "Financial comments", False),
    ("legal_comments", "Legal comments", True),
    ("equality_comments", "Equality comments", False),
    ("supporting_papers", "Appendices and supporting papers", False),
]


@pytest.fixture
def city_pdf_text(officer) -> str:
    series = ReferenceSeriesFactory(prefix="MD", name="Mayoral Decisions", next_number=3000)
    form_type = FormType.objects.create(
        organisation=policing_office(),
        name="Mayoral Decision",
        slug="mayoral-decision",
        series=series,
        heading_pattern="Mayoral Decision {reference}",
        recommendations_heading="Decision",
        pluralise_heading=False,
        numbering_style="i",
        recommendations_lead_in="The Mayor is recommended to:",
    )
    for position, (kind, label, may_not_apply) in enumerate(CITY_SECTIONS, start=1):
        FormSection.objects.create(
            form_type=form_type,
            position=position,
            kind=kind,
            label=label,
            may_be_not_applicable=may_not_apply,
        )
    decision = DecisionFactory(
        form_type=form_type,
        drafting_officer=officer,
        introduction="The city needs a new depot.",
        issues_for_consideration="Two sites were considered.",
        commercial_issues="COMMERCIAL-TEXT-THE-FORM-DOES-NOT-HAVE",
        gdpr_privacy="GDPR-TEXT-THE-FORM-DOES-NOT-HAVE",
        sections_not_applicable={"legal_comments": "No legal powers are exercised."},
    )
    for text in ["Approve the purchase.", "Delegate the contract.", "Note the risks."]:
        RecommendationFactory(decision=decision, text=text)
    return body_text(pdf.render_part_one_pdf(decision=decision_with_parts(pk=decision.pk)))


def test_the_pdf_prints_the_form_s_heading_sections_and_numbering(city_pdf_text):
    text = city_pdf_text
    assert "Mayoral Decision MD (number given on submission)" in text
    # The recommendations under the form's heading and lead-in, numbered i, ii, iii.
    assert (
        "Decision: The Mayor is recommended to: i. Approve the purchase. "
        "ii. Delegate the contract. iii. Note the risks." in text
    ), text
    # The form's sections in its order under its labels, numbered over those it has.
    positions = [
        text.index(f"{n}. {label}") for n, (_, label, _) in enumerate(CITY_SECTIONS, start=1)
    ]
    assert positions == sorted(positions)
    assert "1.1. The city needs a new depot." in text
    assert "2.1. Two sites were considered." in text
    # Marked not applicable: the reason in place of paragraphs.
    assert "4. Legal comments Not applicable: No legal powers are exercised." in text
    # The sections the form lacks are nowhere, nor their text.
    for absent in [
        "Commercial Issues",
        "GDPR and Data Privacy",
        "COMMERCIAL-TEXT",
        "GDPR-TEXT",
    ]:
        assert absent not in text


def test_the_reason_a_section_does_not_apply_is_signed(at_chief_executive, people, officer):
    """Marking a section not applicable, or changing its reason, changes what was signed:
    the sign-offs given on the earlier content are voided."""
    from core.roles import Role

    decision = at_chief_executive
    FormSection.objects.filter(form_type=decision.form_type, kind="commercial_issues").update(
        may_be_not_applicable=True
    )
    decision.refresh_from_db()
    decision_return(
        decision_id=decision.pk,
        user=people[Role.CHIEF_EXECUTIVE],
        lock_version=decision.lock_version,
        reason="Say why there is no commercial section.",
    )
    decision.refresh_from_db()
    before = decision_content_hash(decision=decision)
    assert decision.signoffs.filter(voided_at__isnull=True).count() == 6
    changed = drafting.decision_set_section(
        decision_id=decision.pk,
        user=officer,
        lock_version=decision.lock_version,
        field="commercial_issues",
        text="",
        not_applicable_reason="No procurement is involved.",
    )
    assert len(changed.voided_signoffs) == 6
    assert not decision.signoffs.filter(voided_at__isnull=True).exists()
    decision.refresh_from_db()
    marked = decision_content_hash(decision=decision)
    assert marked != before
    drafting.decision_set_section(
        decision_id=decision.pk,
        user=officer,
        lock_version=decision.lock_version,
        field="commercial_issues",
        text="",
        not_applicable_reason="Bought under an existing framework.",
    )
    decision.refresh_from_db()
    assert decision_content_hash(decision=decision) not in (before, marked)
