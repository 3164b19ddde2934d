"""The sections of a record, in the order of the paper form, with their printed headings.

One list serves the staff pages, the drafting forms and the published Part 1,
so that a section added here appears everywhere in the same place.
"""

from typing import NamedTuple


class Section(NamedTuple):
    field: str
    heading: str


# Part I of the decision form: numbered 1, 2 … with paragraphs 1.1, 1.2 …
PART_ONE_SECTIONS: list[Section] = [
    Section("introduction", "Introduction and background"),
    Section("issues_for_consideration", "Issues for consideration"),
    Section("financial_comments", "Financial Comments"),
    Section("legal_comments", "Legal Comments"),
    Section("commercial_issues", "Commercial Issues"),
    Section("gdpr_privacy", "GDPR and Data Privacy"),
    Section("equality_comments", "Equality Comments"),
    Section("supporting_papers", "Background/supporting papers"),
]

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
