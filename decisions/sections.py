"""The sections of a record, with their printed headings.

Part I of the decision form is drawn from its form type's sections (FormSection), each
of one of the kinds below: the library of sections the code knows how to store (a text
field of Decision) and render. A form type chooses which kinds it has, in which order
and under which label; a section it lacks is shown nowhere. PART_ONE_SECTIONS is the
2021 PCD form's list, the default of a new form type.

The supporting report's sections (REPORT_SECTIONS) are fixed.
"""

import string
from typing import Any, NamedTuple


class Section(NamedTuple):
    field: str
    heading: str


class SectionKind(NamedTuple):
    """A section the code can store and render: the Decision field holding its text, its
    default label and the help drafters read under it."""

    field: str
    heading: str
    help_text: str


SECTION_KINDS: list[SectionKind] = [
    SectionKind(
        "introduction",
        "Introduction and background",
        "Why the decision is needed: what has happened so far and what the decision is for.",
    ),
    SectionKind(
        "issues_for_consideration",
        "Issues for consideration",
        "The options considered, the risks, and why the recommended one is proposed.",
    ),
    SectionKind(
        "financial_comments",
        "Financial Comments",
        "What it costs, in which years, and where the money comes from. Amounts that are "
        "confidential belong in Part 2.",
    ),
    SectionKind(
        "legal_comments",
        "Legal Comments",
        "The powers the decision relies on and the legal advice given, as the legal team "
        "agreed it.",
    ),
    SectionKind(
        "commercial_issues",
        "Commercial Issues",
        "How the goods or services are bought: the route to market, the contract and its value.",
    ),
    SectionKind(
        "gdpr_privacy",
        "GDPR and Data Privacy",
        "Whether personal data is used, and whether a data protection impact assessment was done.",
    ),
    SectionKind(
        "equality_comments",
        "Equality Comments",
        "The effect on people with protected characteristics, and how the public sector "
        "equality duty was considered.",
    ),
    SectionKind(
        "supporting_papers",
        "Background/supporting papers",
        "The papers the decision relies on, one a paragraph. Attach them under Background papers.",
    ),
]
KINDS_BY_FIELD: dict[str, SectionKind] = {kind.field: kind for kind in SECTION_KINDS}
SECTION_KIND_CHOICES = [(kind.field, kind.heading) for kind in SECTION_KINDS]

# Part I of the 2021 PCD form: every kind, in the library's order, under its default label.
PART_ONE_SECTIONS: list[Section] = [Section(kind.field, kind.heading) for kind in SECTION_KINDS]

# The supporting report's facts and advice, after its summary, recommendations
# and time sensitivity.
REPORT_SECTIONS: list[Section] = [
    Section("introduction", "Introduction and background"),
    Section("issues_for_consideration", "Issues for consideration"),
    # The heading names the plan: presenters.report_sections fills in the report's own.
    Section("police_crime_plan", "Contributes to the Police and Crime Plan"),
    Section("financial_comments", "Financial, Commercial and Procurement Comments"),
    Section("legal_comments", "Legal Comments"),
    Section("equality_comments", "Equality Comments"),
    Section("privacy_comments", "Privacy Comments"),
    Section("real_estate", "Real Estate Implications"),
    Section("environmental", "Environmental Implications"),
    Section("background_papers", "Background/supporting papers"),
]


# The longest reason a record may give for a section that does not apply.
NOT_APPLICABLE_REASON_MAX = 255


def slug_of(field: str) -> str:
    """Where a section's drafting page is: "financial-comments"."""
    return field.replace("_", "-")


KINDS_BY_SLUG: dict[str, SectionKind] = {slug_of(kind.field): kind for kind in SECTION_KINDS}


class PartOneSection(NamedTuple):
    """One section of a form type as its records show it: numbered 1, 2 … over the
    sections the form has, under its label, with its help text."""

    number: int
    field: str
    heading: str
    help_text: str
    may_be_not_applicable: bool

    @property
    def slug(self) -> str:
        return slug_of(self.field)


def form_sections(form_type: Any) -> list[PartOneSection]:
    """The form type's Part I sections in order. Reads form_type.sections (prefetch
    "form_type__sections" to cost no query)."""
    rows = sorted(form_type.sections.all(), key=lambda row: row.position)
    found = []
    for row in rows:
        kind = KINDS_BY_FIELD.get(row.kind)
        if kind is None:
            continue
        found.append(
            PartOneSection(
                number=len(found) + 1,
                field=kind.field,
                heading=row.label or kind.heading,
                help_text=row.help_text or kind.help_text,
                may_be_not_applicable=row.may_be_not_applicable,
            )
        )
    return found


def form_section(form_type: Any, field: str) -> PartOneSection | None:
    return next((s for s in form_sections(form_type) if s.field == field), None)


# --- The form's heading ---------------------------------------------------------------

HEADING_PLACEHOLDERS = ("reference", "form", "office", "office_short")
DEFAULT_HEADING_PATTERN = "{form} – {reference}"


def heading_pattern_errors(pattern: str) -> list[str]:
    """What is wrong with a heading pattern, in words for the administrator ([] if nothing)."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return [
            "Write placeholders in single braces, such as {reference}; a brace on its own "
            "is not allowed"
        ]
    allowed = ", ".join("{" + name + "}" for name in HEADING_PLACEHOLDERS)
    errors = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in HEADING_PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{}"
            errors.append(f"{shown} is not a placeholder the heading knows; use {allowed}")
        elif spec or conversion:
            errors.append(f"Write {{{name}}} without a format or conversion")
    return errors


def form_heading(decision: Any, office_title: str = "", office_short: str = "") -> str:
    """The record's heading from its form type's pattern: "DMPC Decision – PCD 1069".

    Before the record is numbered the reference reads "PCD (number given on submission)".
    The office's names are the caller's to give (the office the record goes to).
    """
    form_type = decision.form_type
    reference = decision.reference or f"{decision.series.prefix} (number given on submission)"
    values = {
        "reference": reference,
        "form": form_type.name,
        "office": office_title,
        "office_short": office_short,
    }
    pattern = form_type.heading_pattern or DEFAULT_HEADING_PATTERN
    if heading_pattern_errors(pattern):
        # Saved past the admin's check: the default rather than a broken heading.
        pattern = DEFAULT_HEADING_PATTERN
    if ("{office}" in pattern and not office_title) or (
        "{office_short}" in pattern and not office_short
    ):
        # Not routed yet: the office is not known, so the form's name stands for it.
        pattern = DEFAULT_HEADING_PATTERN
    return " ".join(pattern.format_map(values).split())


# --- Recommendations ---------------------------------------------------------------------


def recommendations_heading(form_type: Any, count: int) -> str:
    """ "Recommendations:" for more than one (or none) where the form pluralises, else
    its heading as given: "Decision:"."""
    heading = form_type.recommendations_heading or "Recommendation"
    if form_type.pluralise_heading and count != 1:
        heading += "s"
    return f"{heading}:"
