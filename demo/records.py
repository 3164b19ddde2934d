"""The demo register: the reference series, the form types and records at every stage.

Apart from PCD 1069 the records are invented, written the way the office writes. Their
numbers continue the series after 1069 in order of submission; the draft has none yet.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from approvals.models import SignOff
from core.roles import Role
from decisions.models import (
    DecisionStatus,
    DeclarationKind,
    ExpenditureLine,
    PartTwo,
)
from decisions.wording import APPROVAL_STATEMENT, DRAFTING_OFFICER_STATEMENT

from .clearance import DIRECTOR_STATEMENT
from .pcd1069 import PCD_1069
from .spec import (
    CHIEF_EXECUTIVE,
    DMPC,
    MAYOR,
    Declaration,
    Money,
    RecordSpec,
    Signature,
    advice,
    chief_executive_statement,
    london,
    paragraphs,
)

SERIES_PREFIX = "PCD"
SERIES_NAME = "Police and Crime Decisions"

# (name, slug, description): both forms are numbered from the PCD series.
# (name, slug, description, the offices it serves, heading pattern). The PCD form goes to
# the DMPC or, for a reserved matter, the Mayor, and is headed by the office it goes to:
# "DMPC Decision – PCD 1069", "Mayor Decision – PCD 1073".
FORM_TYPES: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    (
        "DMPC Decision",
        "dmpc-decision",
        "A decision taken by the Deputy Mayor for Policing and Crime, or by the Mayor on a "
        "matter reserved to the Mayor.",
        (DMPC, MAYOR),
        "{office_short} Decision – {reference}",
    ),
    (
        "Chief Executive Decision",
        "chief-executive-decision",
        "A decision the scheme of delegation leaves to the Chief Executive.",
        (CHIEF_EXECUTIVE,),
        "{form} – {reference}",
    ),
)

CAPITAL = ExpenditureLine.Kind.CAPITAL
REVENUE = ExpenditureLine.Kind.REVENUE

DMPC_AUTHORITY = (
    "The MOPAC Scheme of Delegation and Consent provides that the Deputy Mayor for Policing and "
    "Crime has delegated authority to approve business cases for revenue or capital expenditure "
    "of £500,000 and above (paragraph 4.8)."
)


def _declaration(
    *,
    cleared: dict[str, datetime],
    legal: int = 1,
    privacy: int = 1,
    director: str = "The Director of Strategy and Commissioning",
) -> tuple[Declaration, ...]:
    """The seven lines in the office's usual words; `cleared` says who confirmed theirs, when.

    `legal` and `privacy` number the statement each adviser chose (approvals/clearance.py).
    """
    statements = {
        DeclarationKind.FINANCIAL: advice(DeclarationKind.FINANCIAL, 0),
        DeclarationKind.LEGAL: advice(DeclarationKind.LEGAL, legal),
        DeclarationKind.EQUALITIES: advice(DeclarationKind.EQUALITIES, 0),
        DeclarationKind.COMMERCIAL: advice(DeclarationKind.COMMERCIAL, 0),
        DeclarationKind.PRIVACY: advice(DeclarationKind.PRIVACY, privacy),
        DeclarationKind.DRAFTING_OFFICER: DRAFTING_OFFICER_STATEMENT.format(
            name="Craig James", organisation="MOPAC"
        ),
        DeclarationKind.DIRECTOR: DIRECTOR_STATEMENT.format(reviewer=director),
    }
    lines = []
    for kind, statement in statements.items():
        cleared_at = cleared.get(kind)
        # The drafting officer's own line is ticked when the record is submitted.
        ticked = cleared_at is not None or kind == DeclarationKind.DRAFTING_OFFICER
        lines.append(Declaration(kind, statement, ticked=ticked, cleared_at=cleared_at))
    return tuple(lines)


def _all_cleared(first_day: date) -> dict[str, datetime]:
    """Every adviser's line confirmed over the working days from `first_day`."""
    order = [
        DeclarationKind.FINANCIAL,
        DeclarationKind.LEGAL,
        DeclarationKind.EQUALITIES,
        DeclarationKind.COMMERCIAL,
        DeclarationKind.PRIVACY,
        DeclarationKind.DIRECTOR,
    ]
    # Two a day, one in the morning and one in the afternoon.
    days = [first_day + timedelta(days=i // 2) for i in range(len(order))]
    return {
        kind: london(day.year, day.month, day.day, 10 + 4 * (i % 2))
        for i, (kind, day) in enumerate(zip(order, days, strict=True))
    }


def _chief_executive(when: datetime, to: str = DMPC) -> Signature:
    return Signature(
        SignOff.Kind.CHIEF_EXECUTIVE,
        Role.CHIEF_EXECUTIVE,
        chief_executive_statement(to),
        SignOff.Outcome.CONFIRMED,
        when,
    )


def _dmpc_approval(when: datetime) -> Signature:
    return Signature(
        SignOff.Kind.DECISION, Role.DMPC, APPROVAL_STATEMENT, SignOff.Outcome.APPROVED, when
    )


# Published: approved in the spring and on the register since.
NIGHT_TIME_ECONOMY = RecordSpec(
    form_type="dmpc-decision",
    number=1070,
    title="Night-Time Economy Safety Fund 2026/27",
    status=DecisionStatus.PUBLISHED,
    decision_maker=DMPC,
    fields={
        "executive_summary": (
            "This decision seeks approval to run a third round of the Night-Time Economy Safety "
            "Fund, which gives London boroughs grants of up to £50,000 for measures that make "
            "late-night town centres safer for women and girls, such as welfare hubs, trained "
            "street marshals and better lighting on the routes to public transport."
        ),
        "introduction": paragraphs(
            "The Night-Time Economy Safety Fund was first run in 2024/25. Twenty-two boroughs "
            "received grants, and an independent evaluation found that reported sexual harassment "
            "fell in eleven of the fourteen town centres where welfare hubs operated.",
            "Borough community safety partnerships have asked MOPAC to continue the fund so that "
            "the measures that worked can be extended to further town centres.",
        ),
        "issues_for_consideration": paragraphs(
            "Grants will be awarded through an open round assessed by a panel of MOPAC, MPS and "
            "borough officers against published criteria, with priority for town centres with "
            "high levels of reported violence against women and girls at night.",
            "Each borough must match at least a quarter of the grant from its own resources, "
            "which keeps the measures going beyond the life of the fund.",
        ),
        "financial_comments": (
            "The cost of £850,000 in 2026/27 is met in full from the MOPAC Violence Reduction "
            "Budget. Grants are paid in two instalments, the second against evidence of delivery."
        ),
        "legal_comments": paragraphs(
            DMPC_AUTHORITY,
            "Grants will be made under MOPAC's standard grant agreement, which sets out the "
            "conditions of funding and MOPAC's rights to recover funds that are not used for the "
            "agreed purpose.",
        ),
        "commercial_issues": (
            "The fund makes grants and does not buy services, so the procurement rules do not "
            "apply. Boroughs that buy services with their grant must follow their own "
            "procurement rules."
        ),
        "gdpr_privacy": (
            "Boroughs report on outcomes in aggregate and no personal data is shared with MOPAC, "
            "so a Data Protection Impact Assessment is not required."
        ),
        "equality_comments": (
            "Women and girls are disproportionately affected by sexual harassment and violence "
            "in the night-time economy. The assessment criteria ask applicants to show how their "
            "measures meet the needs of disabled women and of women from Black, Asian and "
            "minority ethnic communities."
        ),
        "supporting_papers": "Evaluation of the Night-Time Economy Safety Fund 2024/25.",
    },
    recommendations=(
        "The Deputy Mayor for Policing and Crime is recommended to approve revenue expenditure of "
        "£850,000 in 2026/27 for the Night-Time Economy Safety Fund, funded from the MOPAC "
        "Violence Reduction Budget.",
        "The Deputy Mayor for Policing and Crime is recommended to delegate the award of "
        "individual grants to the Director of Strategy and Commissioning.",
    ),
    expenditure=(
        Money(REVENUE, "2026/27", Decimal("850000.00"), "MOPAC Violence Reduction Budget"),
    ),
    declaration=_declaration(cleared=_all_cleared(date(2026, 2, 23))),
    signatures=(_chief_executive(london(2026, 3, 6, 16, 30)), _dmpc_approval(london(2026, 3, 18))),
    started_at=london(2026, 1, 19, 9, 30),
)

# With the DMPC: Part 1 deferred until the contract is signed; the prices are in Part 2.
DIGITAL_FORENSICS = RecordSpec(
    form_type="dmpc-decision",
    number=1071,
    title="Digital Forensics: Additional Capacity for Mobile Device Examination",
    status=DecisionStatus.DECISION_MAKER,
    decision_maker=DMPC,
    fields={
        "executive_summary": (
            "This decision seeks approval to buy additional capacity for the examination of "
            "mobile phones seized in investigations from an external forensic provider, so that "
            "the backlog of devices awaiting examination is cleared by March 2028."
        ),
        "introduction": paragraphs(
            "At the end of September 2026 around 6,400 mobile devices were awaiting examination by "
            "the MPS Digital Forensics unit, and the median wait for a device in a rape or serious "
            "sexual offence investigation was 19 weeks.",
            "Delays in examining devices delay charging decisions and are a frequent reason given "
            "by victims for withdrawing their support for a prosecution.",
        ),
        "issues_for_consideration": paragraphs(
            "The MPS ran a mini-competition under a national framework for forensic services and "
            "has identified a preferred provider. The contract will be a call-off for up to 4,000 "
            "device examinations over eighteen months.",
            "Devices from rape and serious sexual offence investigations will be prioritised.",
        ),
        "financial_comments": paragraphs(
            "The cost in 2026/27 is £300,000, met from the MPS Forensic Services revenue budget.",
            "The cost in 2027/28 is commercially sensitive until the contract is signed and is "
            "set out in Part 2. It is also met from the MPS Forensic Services revenue budget.",
        ),
        "legal_comments": paragraphs(
            DMPC_AUTHORITY,
            "The call-off is made under a compliant national framework agreement, and the "
            "Procurement Act 2023 does not require a further advertised procedure.",
        ),
        "commercial_issues": (
            "The preferred provider was selected by mini-competition on quality (60%) and price "
            "(40%). The contract includes turnaround times for priority devices and service "
            "credits if they are missed."
        ),
        "gdpr_privacy": paragraphs(
            "The provider will process personal data extracted from devices as a processor for "
            "the MPS under Part 3 of the Data Protection Act 2018.",
            "A DPIA has been completed and the provider holds the accreditation the Forensic "
            "Science Regulator requires for this work.",
        ),
        "equality_comments": (
            "Women and girls are most affected by delays in rape and serious sexual offence "
            "investigations; prioritising those devices is expected to benefit them in particular."
        ),
        "supporting_papers": "None.",
        "part1_deferred": True,
        "deferral_reason": (
            "Publication before the call-off contract is signed would reveal the MPS's budget to "
            "the bidders and prejudice the final negotiation. The contract is expected to be "
            "signed by the end of June 2027."
        ),
        # A fixed date, so that loading the demo again finds nothing to change.
        "deferred_until": date(2027, 6, 30),
        "has_part_two": True,
    },
    recommendations=(
        "The Deputy Mayor for Policing and Crime is recommended to approve revenue expenditure of "
        "£300,000 in 2026/27, and the expenditure in 2027/28 set out in Part 2, for additional "
        "mobile device examination capacity from an external forensic provider, funded from the "
        "MPS Forensic Services revenue budget.",
    ),
    expenditure=(
        Money(REVENUE, "2026/27", Decimal("300000.00"), "MPS Forensic Services revenue budget"),
        Money(
            REVENUE,
            "2027/28",
            Decimal("1240000.00"),
            "MPS Forensic Services revenue budget",
            is_confidential=True,
        ),
    ),
    part_two={
        "content": paragraphs(
            "The preferred provider's price for 2027/28 is £1,240,000, which is 14% below the "
            "next-ranked bid. The total cost of the call-off over both years is £1,540,000.",
            "The price per examination falls from £410 to £385 once more than 2,500 devices have "
            "been examined.",
        ),
        "exemption": PartTwo.Exemption.COMMERCIAL,
        "rationale": (
            "The prices are commercially sensitive: disclosing them before the contract is signed "
            "would prejudice the commercial interests of the MPS and of the bidders (Freedom of "
            "Information Act 2000, section 43(2)). The public interest in withholding them "
            "outweighs the interest in disclosure until the contract is signed."
        ),
    },
    declaration=_declaration(
        cleared=_all_cleared(date(2026, 10, 26)),
        legal=2,
        privacy=0,
        director="The Chief Finance Officer",
    ),
    signatures=(_chief_executive(london(2026, 11, 16, 11, 0)),),
    started_at=london(2026, 9, 14, 10, 0),
)

# With the Chief Executive: every adviser has confirmed their line.
CUSTODY_CELL_CALL = RecordSpec(
    form_type="dmpc-decision",
    number=1072,
    title="Custody Suites: Replacement of Cell Call Systems",
    status=DecisionStatus.CHIEF_EXECUTIVE,
    decision_maker=DMPC,
    fields={
        "executive_summary": (
            "This decision seeks approval to replace the cell call systems in six custody suites, "
            "which have reached the end of their supported life, so that detained people can "
            "always summon help from their cell."
        ),
        "introduction": paragraphs(
            "Every cell has a call button that alerts custody staff. The systems in six suites "
            "were installed between 2009 and 2012 and the manufacturer no longer supplies parts.",
            "In the last year there were 37 faults that took a cell out of use, reducing custody "
            "capacity at busy times.",
        ),
        "issues_for_consideration": (
            "Suites will be refitted one at a time, so that no more than one is closed at once; "
            "each closure is expected to last five working days."
        ),
        "financial_comments": (
            "The capital cost is £560,000 in 2026/27 and £95,000 in 2027/28, a total of £655,000, "
            "met from the MOPAC Approved Property Capital Budget."
        ),
        "legal_comments": paragraphs(
            DMPC_AUTHORITY,
            "The MPS has a duty of care to detained people, and the Codes of Practice under the "
            "Police and Criminal Evidence Act 1984 require that detained people can call for "
            "attention at any time.",
        ),
        "commercial_issues": (
            "The works will be called off from the MPS facilities management contract, which "
            "includes custody maintenance and was competitively procured."
        ),
        "gdpr_privacy": (
            "The new systems record the time of each call and the response but no personal data. "
            "A DPIA is not required."
        ),
        "equality_comments": (
            "The new call points meet current accessibility standards, including a visual signal "
            "for detained people who are deaf or hard of hearing."
        ),
        "supporting_papers": "Custody estate condition survey, 2026.",
    },
    recommendations=(
        "The Deputy Mayor for Policing and Crime is recommended to approve capital expenditure of "
        "£655,000 over 2026/27 and 2027/28 to replace the cell call systems in six custody "
        "suites, funded from the MOPAC Approved Property Capital Budget.",
    ),
    expenditure=(
        Money(CAPITAL, "2026/27", Decimal("560000.00"), "MOPAC Approved Property Capital Budget"),
        Money(CAPITAL, "2027/28", Decimal("95000.00"), "MOPAC Approved Property Capital Budget"),
    ),
    declaration=_declaration(
        cleared=_all_cleared(date(2026, 11, 16)), director="The Chief Finance Officer"
    ),
    started_at=london(2026, 10, 5, 14, 0),
)

# In clearance, routed to the Chief Executive: just submitted, no adviser has confirmed yet.
CUSTODY_VISITING = RecordSpec(
    form_type="chief-executive-decision",
    number=1073,
    title="Independent Custody Visiting Scheme: Volunteer Recruitment and Training 2027",
    status=DecisionStatus.CLEARANCE,
    decision_maker=CHIEF_EXECUTIVE,
    fields={
        "executive_summary": (
            "This decision seeks approval to recruit and train 60 new independent custody "
            "visitors in 2027, to replace volunteers who are leaving and to cover the new custody "
            "suite opening in the east of London."
        ),
        "introduction": paragraphs(
            "MOPAC has a statutory duty to run an independent custody visiting scheme. Volunteers "
            "make unannounced visits to custody suites and report on the treatment of detained "
            "people and the conditions in which they are held.",
            "Around a fifth of visitors leave each year, and three panels are below the number of "
            "visitors they need to visit every suite weekly.",
        ),
        "issues_for_consideration": (
            "Recruitment will target the boroughs where panels are short of visitors and aim for "
            "panels that reflect the communities they serve."
        ),
        "financial_comments": (
            "The cost of £64,500 in 2026/27 is met from the MOPAC Oversight and Scrutiny Budget."
        ),
        "legal_comments": (
            "The MOPAC Scheme of Delegation and Consent delegates to the Chief Executive the "
            "approval of expenditure below £500,000."
        ),
        "commercial_issues": (
            "Training will be bought through a mini-competition under the GLA's learning and "
            "development framework."
        ),
        "gdpr_privacy": (
            "Applicants' personal data is processed under the scheme's existing privacy notice "
            "and DPIA."
        ),
        "equality_comments": (
            "The recruitment campaign will be advertised through community organisations to reach "
            "groups under-represented among current visitors, including young people."
        ),
    },
    recommendations=(
        "The Chief Executive is recommended to approve revenue expenditure of £64,500 in 2026/27 "
        "to recruit and train independent custody visitors, funded from the MOPAC Oversight and "
        "Scrutiny Budget.",
    ),
    expenditure=(
        Money(REVENUE, "2026/27", Decimal("64500.00"), "MOPAC Oversight and Scrutiny Budget"),
    ),
    declaration=_declaration(cleared={}, director="The Director of Oversight"),
    submitted_at=london(2026, 11, 23, 9, 30),
    started_at=london(2026, 11, 2, 9, 15),
)

# Reserved to the Mayor whatever its cost: cleared and signed, waiting for the Mayor.
POLICE_AND_CRIME_PLAN = RecordSpec(
    form_type="dmpc-decision",
    number=1074,
    title="Police and Crime Plan for London: Annual Refresh 2027",
    status=DecisionStatus.DECISION_MAKER,
    decision_maker=MAYOR,
    fields={
        "reserved_to_mayor": True,
        "executive_summary": (
            "This decision seeks the Mayor's approval to issue the annual refresh of the Police "
            "and Crime Plan for London, after consultation with the London Assembly's Police and "
            "Crime Committee."
        ),
        "introduction": (
            "The Police Reform and Social Responsibility Act 2011 requires the Mayor to issue a "
            "police and crime plan and to keep it under review. Issuing the plan is reserved to "
            "the Mayor."
        ),
        "issues_for_consideration": (
            "The refresh updates the plan's measures for neighbourhood policing and violence "
            "against women and girls; its priorities are unchanged."
        ),
        "financial_comments": "There are no direct financial implications.",
        "legal_comments": (
            "Issuing the police and crime plan is reserved to the Mayor by the MOPAC Scheme of "
            "Delegation and Consent."
        ),
        "commercial_issues": "There are no commercial issues.",
        "gdpr_privacy": "The refresh processes no personal data. A DPIA is not required.",
        "equality_comments": (
            "An equality impact assessment of the refreshed measures was published with the "
            "consultation."
        ),
    },
    recommendations=(
        "The Mayor is recommended to issue the refreshed Police and Crime Plan for London.",
    ),
    expenditure=(),
    declaration=_declaration(
        cleared=_all_cleared(date(2026, 11, 17)),
        director="The Director of Strategy and Commissioning",
    ),
    signatures=(_chief_executive(london(2026, 11, 25, 15, 0), to=MAYOR),),
    started_at=london(2026, 10, 20, 11, 0),
)

# A draft, half written: no number until it is submitted, no route settled yet.
PERPETRATOR_PROGRAMME = RecordSpec(
    form_type="dmpc-decision",
    title="Domestic Abuse Perpetrator Programmes: Extension to March 2028",
    status=DecisionStatus.DRAFT,
    fields={
        "executive_summary": (
            "This decision seeks approval to extend the domestic abuse perpetrator programmes in "
            "eight boroughs for a further year while a pan-London service is commissioned."
        ),
        "introduction": paragraphs(
            "MOPAC funds behaviour change programmes for perpetrators of domestic abuse, delivered "
            "alongside support for the partners and former partners of those taking part.",
            "The current grants end in March 2027.",
        ),
    },
    recommendations=(
        "The Deputy Mayor for Policing and Crime is recommended to approve revenue expenditure of "
        "£620,000 in 2027/28 to extend the domestic abuse perpetrator programmes to March 2028.",
    ),
    expenditure=(
        Money(REVENUE, "2027/28", Decimal("620000.00"), "MOPAC Victims Commissioning Budget"),
    ),
)

# In order of number; the loader gives each record no other number than its own.
DEMO_RECORDS: tuple[RecordSpec, ...] = (
    PCD_1069,
    NIGHT_TIME_ECONOMY,
    DIGITAL_FORENSICS,
    CUSTODY_CELL_CALL,
    CUSTODY_VISITING,
    POLICE_AND_CRIME_PLAN,
    PERPETRATOR_PROGRAMME,
)
