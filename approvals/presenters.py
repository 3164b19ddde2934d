"""What a page or a document shows of a record, prepared once for every place that shows it."""

import re
from html import unescape
from typing import Any

from django.template.loader import render_to_string

from decisions.models import Decision
from decisions.sections import (
    REPORT_SECTIONS,
    PartOneSection,
    Section,
    form_heading,
    form_sections,
    recommendations_heading,
)

from .models import SignOff
from .policies import statement_office


def report_sections(report) -> list[tuple[Section, str]]:
    """The report's facts-and-advice sections with their text; the plan's heading names
    the plan the report cites ("Contributes to the MOPAC Police & Crime Plan 2017-2021")."""
    found = []
    for section in REPORT_SECTIONS:
        if section.field == "police_crime_plan" and report.police_crime_plan_name:
            section = section._replace(
                heading=f"Contributes to the {report.police_crime_plan_name}"
            )
        found.append((section, getattr(report, section.field)))
    return found


def part_one_sections(decision: Decision) -> list[tuple[PartOneSection, str, str]]:
    """The record's Part I sections as its form type has them, in order: each with its
    text and, when marked not applicable, the reason (printed in place of paragraphs)."""
    not_applicable = decision.sections_not_applicable or {}
    return [
        (
            section,
            getattr(decision, section.field),
            not_applicable.get(section.field, "") if section.may_be_not_applicable else "",
        )
        for section in form_sections(decision.form_type)
    ]


def part_one_context(*, decision: Decision) -> dict[str, Any]:
    """The public Part 1 of a record: the decision form and its supporting report.

    Built from Part 1 fields only, so a template given this context cannot show
    Part 2 or a confidential amount. Expects the lists prefetched
    (selectors.decision_detail_for_user); costs no query then.
    """
    # A form without a supporting report prints none (its row, made with the record, is empty).
    report = getattr(decision, "report", None) if decision.form_type.has_supporting_report else None
    office = decision.decision_maker
    signoffs = [s for s in decision.signoffs.all() if s.voided_at is None]
    # The register loads only the papers marked for publication (as published_papers);
    # elsewhere all are loaded and those marked are picked out.
    published_papers = getattr(decision, "published_papers", None)
    if published_papers is None:
        published_papers = [paper for paper in decision.papers.all() if paper.publish]
    recommendations = list(decision.recommendations.all())
    sections = part_one_sections(decision)
    form_type = decision.form_type
    return {
        "decision": decision,
        # The lead line of the form; the office's names are filled in where given.
        "form_heading": form_heading(
            decision,
            office_title=office.title if office else "",
            office_short=office.short_title if office else "",
        ),
        "recommendations": recommendations,
        "recommendations_heading": recommendations_heading(form_type, len(recommendations)),
        "recommendations_lead_in": form_type.recommendations_lead_in,
        "numbering_style": form_type.numbering_style,
        # Its links to earlier records; the register's page adds the later records'
        # links to it (register.selectors.published_decision_get), which no other has.
        "related_links": list(decision.related_links.all()),
        "linked_from": list(getattr(decision, "linked_from_on_register", ())),
        "part_one_sections": sections,
        # Published papers are listed in that section, or after the sections without it.
        "has_papers_section": any(s.field == "supporting_papers" for s, _, _ in sections),
        "declaration_lines": list(decision.declaration_lines.all()),
        "report": report,
        # Listed by title in the background papers section; never an unpublished one.
        "published_papers": published_papers,
        "report_sections": report_sections(report) if report else [],
        "ce_signoff": next((s for s in signoffs if s.kind == SignOff.Kind.CHIEF_EXECUTIVE), None),
        "decision_signoff": next((s for s in signoffs if s.kind == SignOff.Kind.DECISION), None),
        # The body and its offices' fixed sentences; the approval statement stands in
        # until the decision.
        "organisation": decision.form_type.organisation,
        "organisation_short_name": decision.form_type.organisation.short_name,
        "statement_office": statement_office(decision),
        "decision_maker_declaration": office.declaration if office else "",
        "approval_statement": office.approval_statement if office else "",
    }


def part_one_plain_text(*, decision: Decision) -> str:
    """Part 1 as plain text (for search), from the very template the public page uses."""
    html = render_to_string(
        "decisions/part_one.html",
        part_one_context(decision=decision),
    )
    # Tags become spaces (so list items do not run together), entities become text.
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", html)).split())
