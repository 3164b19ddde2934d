"""The second demo body, a city authority set up only through data: the City of Northbridge
Council, its four offices, its own reference series and form types, its scheme of
delegation, and one record of each of its forms at a different stage.

Everything here is invented. Nothing in the code knows this body: the loader writes it
as an administrator (and, for the offices, a superuser) would in the admin.
"""

from datetime import date
from decimal import Decimal

from approvals.models import SignOff
from decisions.models import DecisionStatus, DeclarationKind, ExpenditureLine
from decisions.wording import APPROVAL_STATEMENT

from .spec import Declaration, Money, RecordSpec, Signature, london, paragraphs

ORGANISATION = {
    "name": "City of Northbridge Council",
    "short_name": "Northbridge",
    "slug": "northbridge",
    "website": "https://www.northbridge.example.org/decisions",
    "public_access_paragraph": (
        "This decision (Part 1) is subject to the Freedom of Information Act 2000 and will be "
        "published on the {short_name} council website once it has been taken, unless "
        "publication is deferred for the reason given above."
    ),
    "legal_team_name": "Northbridge Legal Services",
}

# The permissions of every office's group: deciding, and reading records as reviewers do
# (decisions/migrations/0002_roles.py REVIEWER).
OFFICE_PERMISSIONS = ("take_decisions", "view_decision", "view_parttwo")
# The Executive Director also signs the statement that precedes a Mayoral Decision.
STATEMENT_PERMISSION = "sign_chief_executive"

MAYOR = "mayor"
DIRECTOR = "director"
ASSISTANT_DIRECTOR = "assistant_director"
HEAD_OF_SERVICE = "head_of_service"

EXECUTIVE_DIRECTOR_STATEMENT = (
    "I have reviewed this proposal and confirm that financial, legal and equalities advice has "
    "been taken into account. I am satisfied that it is ready for the decision of the "
    "{decision_maker}."
)


# code: the Office's fields, and the name of the group that holds it. In order of rank,
# lowest first, so that an office that signs a statement exists before the one it precedes.
OFFICES: dict[str, dict] = {
    HEAD_OF_SERVICE: {
        "title": "Head of Service",
        "short_title": "Head of Service",
        "rank": 10,
        "group": "Northbridge Head of Service",
    },
    ASSISTANT_DIRECTOR: {
        "title": "Assistant Director",
        "short_title": "Assistant Director",
        "rank": 20,
        "group": "Northbridge Assistant Director",
    },
    DIRECTOR: {
        "title": "Executive Director",
        "short_title": "Executive Director",
        "rank": 30,
        "group": "Northbridge Executive Director",
        "statement_heading": "Executive Director",
        "statement_wording": EXECUTIVE_DIRECTOR_STATEMENT,
    },
    MAYOR: {
        "title": "Mayor of Northbridge",
        "short_title": "Mayor",
        "rank": 40,
        "group": "Northbridge Mayor",
        "statement_by": DIRECTOR,
    },
}

# prefix: name. Each form has its own series.
SERIES = {
    "MD": "Mayoral Decisions",
    "DD": "Director's Decisions",
    "ADD": "Assistant Director's Decisions",
    "DAR": "Director's Approval Records",
}
# Where each series starts: the numbers the council's register has reached.
FIRST_NUMBERS = {"MD": 3187, "DD": 2410, "ADD": 1562, "DAR": 1}

# (name, slug, series prefix, the one office it serves, description).
FORM_TYPES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Mayoral Decision",
        "nb-mayoral-decision",
        "MD",
        MAYOR,
        "A decision of the Mayor of Northbridge: spending above £150,000.",
    ),
    (
        "Director's Decision",
        "nb-directors-decision",
        "DD",
        DIRECTOR,
        "A decision of the Executive Director: spending above £50,000, up to £150,000.",
    ),
    (
        "Assistant Director's Decision",
        "nb-assistant-directors-decision",
        "ADD",
        ASSISTANT_DIRECTOR,
        "A decision of an Assistant Director: spending above £10,000, up to £50,000.",
    ),
    (
        "Director's Approval Record",
        "nb-directors-approval-record",
        "DAR",
        HEAD_OF_SERVICE,
        "An approval recorded by a Head of Service: spending up to £10,000.",
    ),
)

# The council's Part I sections: (kind, label, may be marked not applicable). The
# approval record is a shorter, older form: no procurement, data or equalities sections.
SECTIONS = (
    ("introduction", "Introduction and background", False),
    ("issues_for_consideration", "Issues for consideration", False),
    ("financial_comments", "Financial implications", False),
    ("legal_comments", "Legal implications", False),
    ("commercial_issues", "Procurement", True),
    ("gdpr_privacy", "Data protection", True),
    ("equality_comments", "Equalities implications", False),
    ("supporting_papers", "Background papers", False),
)
APPROVAL_RECORD_SECTIONS = (
    ("introduction", "Background", False),
    ("issues_for_consideration", "Proposal", False),
    ("financial_comments", "Financial implications", False),
    ("legal_comments", "Legal implications", False),
    ("supporting_papers", "Background papers", False),
)

# The council's Originating Officer Declaration, in its own words: kind: (statements, not
# applicable wording). {reviewer}: who reviewed it.
REVIEWER_STATEMENT = (
    "{reviewer} has reviewed the request and is satisfied it is correct and consistent with the "
    "council's plans and priorities."
)
REVIEWERS = ("The Director of Operations", "The Director of Resources")
CLEARANCE_LINES: dict[str, tuple[tuple[str, ...], str]] = {
    "financial": (
        (
            "Corporate Finance has been consulted and the cost is met from the budget named "
            "in this form.",
            "There are no financial implications.",
        ),
        "",
    ),
    "legal": (
        (
            "Northbridge Legal Services has been consulted on the proposal.",
            "Legal advice is not required.",
        ),
        "",
    ),
    "equalities": (("Equality issues are covered in the body of the report.",), ""),
    "commercial": (
        ("The proposal follows the council's Contract Procedure Rules.",),
        "Not applicable: nothing is bought.",
    ),
    "privacy": (
        ("Data protection issues are covered in the body of the report.",),
        "Not applicable: no personal data is processed.",
    ),
    "director": (tuple(REVIEWER_STATEMENT.format(reviewer=r) for r in REVIEWERS), ""),
}
ALL_LINES = tuple(CLEARANCE_LINES)
APPROVAL_RECORD_LINES = ("financial", "legal", "director")

# slug: how each form reads (decisions.models.FormType), its sections and its lines.
FORM_SETUP: dict[str, dict] = {
    "nb-mayoral-decision": {
        "heading_pattern": "{form} {reference}",
        "recommendations_heading": "Decision",
        "pluralise_heading": False,
        "numbering_style": "i",
        "recommendations_lead_in": "The Mayor of Northbridge is recommended to:",
        "has_supporting_report": False,
        "sections": SECTIONS,
        "lines": ALL_LINES,
    },
    "nb-directors-decision": {
        "heading_pattern": "{form} {reference}",
        "recommendations_heading": "Decision",
        "pluralise_heading": False,
        "numbering_style": "i",
        "recommendations_lead_in": "The Executive Director is recommended to:",
        "has_supporting_report": False,
        "sections": SECTIONS,
        "lines": ALL_LINES,
    },
    "nb-assistant-directors-decision": {
        "heading_pattern": "{form} {reference}",
        "recommendations_heading": "Decision",
        "pluralise_heading": False,
        "numbering_style": "a",
        "recommendations_lead_in": "The Assistant Director is recommended to:",
        "has_supporting_report": False,
        "sections": SECTIONS,
        "lines": ALL_LINES,
    },
    "nb-directors-approval-record": {
        "heading_pattern": "{form} {reference}",
        "recommendations_heading": "Approval",
        "pluralise_heading": False,
        "numbering_style": "1",
        "recommendations_lead_in": "",
        "has_supporting_report": False,
        "sections": APPROVAL_RECORD_SECTIONS,
        "lines": APPROVAL_RECORD_LINES,
    },
}


def statement(kind: str, number: int = 0) -> str:
    """The council's statement numbered `number` of the line `kind` (the not applicable
    wording after its statements)."""
    statements, not_applicable = CLEARANCE_LINES[kind]
    return (*statements, not_applicable)[number]


SCHEME = {
    "name": "Northbridge Scheme of Delegation",
    "version": "2024",
    "effective_from": date(2024, 4, 1),
    "notes": (
        "Demonstration data. The paragraph numbers are illustrative: they do not cite a real "
        "scheme. Every value is routed: the last rule takes whatever the others leave."
    ),
}
# (priority, paragraph, office, condition, threshold, description); no flags.
RULES: tuple[tuple[int, str, str, str, Decimal | None, str], ...] = (
    (10, "3.2", MAYOR, "value_at_least", Decimal("150000.01"), "Mayoral Decision above £150,000"),
    (
        20,
        "5.4",
        DIRECTOR,
        "value_at_least",
        Decimal("50000.01"),
        "Director's Decision above £50,000, up to £150,000",
    ),
    (
        30,
        "6.3",
        ASSISTANT_DIRECTOR,
        "value_at_least",
        Decimal("10000.01"),
        "Assistant Director's Decision above £10,000, up to £50,000",
    ),
    (40, "7.1", HEAD_OF_SERVICE, "otherwise", None, "Director's Approval Record up to £10,000"),
)

CAPITAL = ExpenditureLine.Kind.CAPITAL
REVENUE = ExpenditureLine.Kind.REVENUE

# The drafting officer's account (demo/users.py).
OFFICER = "nb-officer"
OFFICER_NAME = "Fiona Marsden"


def _declaration(
    *,
    cleared: dict[str, object],
    reviewer: int = 0,
    lines: tuple[str, ...] = ALL_LINES,
    not_applicable: tuple[str, ...] = (),
) -> tuple[Declaration, ...]:
    """The drafting officer's line and the advisers' lines of the form (`lines`), in the
    council's words; `cleared` says who confirmed theirs, when; `not_applicable`, the lines
    confirmed with their not applicable wording."""

    def chosen(kind: str) -> int:
        if kind in not_applicable:
            return len(CLEARANCE_LINES[kind][0])  # the not applicable wording, after the rest
        return reviewer if kind == DeclarationKind.DIRECTOR else 0

    statements = {kind: statement(kind, chosen(kind)) for kind in lines}
    statements[DeclarationKind.DRAFTING_OFFICER] = (
        f"{OFFICER_NAME} has drafted this report in accordance with "
        f"{ORGANISATION['short_name']} procedures."
    )
    found = []
    for kind, text in statements.items():
        cleared_at = cleared.get(kind)
        ticked = cleared_at is not None or kind == DeclarationKind.DRAFTING_OFFICER
        found.append(Declaration(kind, text, ticked=ticked, cleared_at=cleared_at))
    return tuple(found)


def _cleared(year: int, month: int, day: int) -> dict[str, object]:
    """Every adviser's line confirmed on one day, an hour apart from 9 o'clock."""
    order = [
        DeclarationKind.FINANCIAL,
        DeclarationKind.LEGAL,
        DeclarationKind.EQUALITIES,
        DeclarationKind.COMMERCIAL,
        DeclarationKind.PRIVACY,
        DeclarationKind.DIRECTOR,
    ]
    return {kind: london(year, month, day, 9 + i) for i, kind in enumerate(order)}


# Published: the Mayor approved it after the Executive Director's statement.
RIVERSIDE_CYCLE_ROUTE = RecordSpec(
    form_type="nb-mayoral-decision",
    number=3187,
    title="Northbridge Riverside cycle route: construction contract",
    status=DecisionStatus.PUBLISHED,
    decision_maker=MAYOR,
    drafted_by=OFFICER,
    fields={
        "executive_summary": (
            "This decision seeks approval to award the construction contract for the second "
            "phase of the Northbridge Riverside cycle route, a 2.4 km segregated path between "
            "Mill Lane and the Eastgate bridge."
        ),
        "introduction": paragraphs(
            "The first phase of the Riverside cycle route opened in 2025 and is used by around "
            "1,900 cyclists on an average weekday, three times the number counted on the road "
            "it replaced.",
            "The second phase completes the route to the city centre and was approved in "
            "principle in the council's Local Transport Plan.",
        ),
        "issues_for_consideration": paragraphs(
            "Four contractors bid. The recommended bid scored highest on quality and price, "
            "and the contractor built the first phase on time and within budget.",
            "Works on the towpath will close it to walkers for no more than six weeks; a "
            "signed diversion will be in place throughout.",
        ),
        "financial_comments": (
            "The cost of £240,000 in 2026/27 is met from the Active Travel capital grant, which "
            "is held in the council's approved capital programme."
        ),
        "legal_comments": (
            "Under the Northbridge Scheme of Delegation, spending above £150,000 is decided by "
            "the Mayor (paragraph 3.2). The contract is let under the council's Contract "
            "Procedure Rules after an open procedure."
        ),
        "commercial_issues": (
            "The contract is a fixed-price contract with a twelve-month defects period and "
            "retention of 5% until the defects period ends."
        ),
        "gdpr_privacy": "",
        "sections_not_applicable": {
            "gdpr_privacy": "The contract involves no processing of personal data."
        },
        "equality_comments": (
            "The path is 4 metres wide with level access at every entrance, so that it can be "
            "used by adapted cycles, wheelchairs and mobility scooters."
        ),
        "supporting_papers": "Tender evaluation report, Riverside cycle route phase 2.",
    },
    recommendations=(
        "The Mayor is recommended to award the construction contract for phase 2 of the "
        "Riverside cycle route to the highest-scoring bidder, at a cost of £240,000.",
        "The Mayor is recommended to delegate to the Executive Director any variation of the "
        "contract within the approved budget.",
    ),
    expenditure=(Money(CAPITAL, "2026/27", Decimal("240000.00"), "Active Travel capital grant"),),
    declaration=_declaration(cleared=_cleared(2026, 4, 14), not_applicable=("privacy",)),
    signatures=(
        Signature(
            SignOff.Kind.CHIEF_EXECUTIVE,
            role="",
            statement=EXECUTIVE_DIRECTOR_STATEMENT.replace(
                "{decision_maker}", OFFICES[MAYOR]["title"]
            ),
            outcome=SignOff.Outcome.CONFIRMED,
            signed_at=london(2026, 4, 17, 15, 0),
            username="nb-director",
        ),
        Signature(
            SignOff.Kind.DECISION,
            role="",
            statement=APPROVAL_STATEMENT,
            outcome=SignOff.Outcome.APPROVED,
            signed_at=london(2026, 4, 23, 11, 0),
            username="nb-mayor",
        ),
    ),
    started_at=london(2026, 3, 30, 10, 0),
)

# With the Executive Director, who decides it: no statement precedes a Director's Decision.
LIBRARY_KIOSKS = RecordSpec(
    form_type="nb-directors-decision",
    number=2410,
    title="Library self-service kiosks replacement",
    status=DecisionStatus.DECISION_MAKER,
    decision_maker=DIRECTOR,
    drafted_by=OFFICER,
    fields={
        "executive_summary": (
            "This decision seeks approval to replace the 38 self-service kiosks in the city's "
            "eleven libraries, which are no longer supported by their manufacturer."
        ),
        "introduction": (
            "Around four in five loans and returns are made at the kiosks. Parts for the "
            "current model are no longer made, and nine kiosks were out of use for more than a "
            "week last year."
        ),
        "issues_for_consideration": (
            "The new kiosks will be installed one library at a time over the summer, when "
            "library staff can help visitors with the new screens."
        ),
        "financial_comments": (
            "The cost of £95,000 in 2026/27 is met from the Libraries equipment renewal budget."
        ),
        "legal_comments": (
            "Under the Northbridge Scheme of Delegation, spending above £50,000 and up to "
            "£150,000 is decided by the Executive Director (paragraph 5.4)."
        ),
        "commercial_issues": (
            "The kiosks are bought through a national framework for library systems, after a "
            "further competition between three suppliers."
        ),
        "gdpr_privacy": (
            "The kiosks read library card numbers only; borrowers' records stay in the library "
            "management system."
        ),
        "equality_comments": (
            "The new kiosks have screens that can be lowered for wheelchair users and an audio "
            "mode for blind and partially sighted visitors."
        ),
        "supporting_papers": "None.",
    },
    recommendations=(
        "The Executive Director is recommended to approve revenue spending of £95,000 in "
        "2026/27 to replace the library self-service kiosks.",
    ),
    expenditure=(
        Money(REVENUE, "2026/27", Decimal("95000.00"), "Libraries equipment renewal budget"),
    ),
    declaration=_declaration(cleared=_cleared(2026, 11, 18), reviewer=1),
    started_at=london(2026, 10, 27, 14, 30),
)

# In clearance: two advisers have confirmed their lines.
PARKS_LICENSING = RecordSpec(
    form_type="nb-assistant-directors-decision",
    number=1562,
    title="Parks events licensing software renewal",
    status=DecisionStatus.CLEARANCE,
    decision_maker=ASSISTANT_DIRECTOR,
    drafted_by=OFFICER,
    fields={
        "executive_summary": (
            "This decision seeks approval to renew for three years the licence for the software "
            "the parks team uses to book and license events in the city's parks."
        ),
        "introduction": (
            "The parks team licenses around 600 events a year, from fun runs to the summer "
            "festival. Organisers apply, pay and receive their licence online."
        ),
        "issues_for_consideration": (
            "The current licence ends on 31 March 2027. Moving to another system would mean "
            "retraining staff and moving six years of bookings for no saving."
        ),
        "financial_comments": (
            "The cost of £32,000 over three years is met from the Parks and Open Spaces revenue "
            "budget."
        ),
        "legal_comments": (
            "Under the Northbridge Scheme of Delegation, spending above £10,000 and up to "
            "£50,000 is decided by an Assistant Director (paragraph 6.3)."
        ),
        "commercial_issues": (
            "The renewal is a direct award under the council's Contract Procedure Rules, as "
            "the value is below the threshold for competition."
        ),
        "gdpr_privacy": (
            "The supplier processes organisers' contact details as the council's processor "
            "under the existing data processing agreement."
        ),
        "equality_comments": (
            "The booking pages meet the accessibility standard for public sector websites."
        ),
        "supporting_papers": "None.",
    },
    recommendations=(
        "The Assistant Director is recommended to approve revenue spending of £32,000 over "
        "three years from 2026/27 to renew the parks events licensing software.",
    ),
    expenditure=(
        Money(REVENUE, "2026/27", Decimal("32000.00"), "Parks and Open Spaces revenue budget"),
    ),
    declaration=_declaration(
        cleared={
            DeclarationKind.FINANCIAL: london(2026, 11, 26, 10, 0),
            DeclarationKind.LEGAL: london(2026, 11, 26, 15, 0),
        },
        reviewer=0,
    ),
    submitted_at=london(2026, 11, 25, 9, 0),
    started_at=london(2026, 11, 16, 11, 0),
)

# A draft: no number until it is submitted.
COMMUNITY_HALL_ROOF = RecordSpec(
    form_type="nb-directors-approval-record",
    title="Community hall roof survey",
    status=DecisionStatus.DRAFT,
    drafted_by=OFFICER,
    fields={
        "executive_summary": (
            "This record seeks approval to commission a condition survey of the roof of Westfield "
            "Community Hall after water came in during the October storms."
        ),
        "introduction": (
            "Westfield Community Hall is used by fourteen community groups each week. The roof "
            "was last surveyed in 2015."
        ),
        "issues_for_consideration": (
            "The survey will say whether the roof can be repaired or must be replaced, so that "
            "the work can be planned before next winter. The hall stays open meanwhile, with the "
            "affected room closed."
        ),
        "financial_comments": (
            "The cost of £7,500 is met from the Community Buildings maintenance budget."
        ),
        "legal_comments": (
            "Under the Northbridge Scheme of Delegation, spending up to £10,000 is approved by a "
            "Head of Service and recorded in a Director's Approval Record (paragraph 7.1)."
        ),
        "supporting_papers": "None.",
    },
    recommendations=(
        "The Head of Service is recommended to approve spending of £7,500 on a condition survey "
        "of the roof of Westfield Community Hall.",
    ),
    expenditure=(
        Money(REVENUE, "2026/27", Decimal("7500.00"), "Community Buildings maintenance budget"),
    ),
    # Only the drafting officer's own line: the advisers' lines are made on submission.
    declaration=tuple(
        line
        for line in _declaration(cleared={}, lines=APPROVAL_RECORD_LINES)
        if line.kind == DeclarationKind.DRAFTING_OFFICER
    ),
)

RECORDS: tuple[RecordSpec, ...] = (
    RIVERSIDE_CYCLE_ROUTE,
    LIBRARY_KIOSKS,
    PARKS_LICENSING,
    COMMUNITY_HALL_ROOF,
)
