"""PCD 1069, "Accelerated IVMA Improvements", as published (../shared/reference/pcd-1069.txt).

Every paragraph is verbatim, typos included ("for this project The project", "via the
CDW."): the record is a copy of what was signed. Only the numbering ("1.1.") and the
bullets are left out, because the published version numbers the paragraphs itself.
"""

from datetime import date
from decimal import Decimal

from approvals.models import SignOff
from core.roles import Role
from decisions.models import DecisionStatus, DeclarationKind, ExpenditureLine
from decisions.wording import APPROVAL_STATEMENT, DRAFTING_OFFICER_STATEMENT

from .clearance import DIRECTOR_STATEMENT
from .spec import (
    DMPC,
    Declaration,
    Money,
    RecordSpec,
    Signature,
    advice,
    chief_executive_statement,
    london,
    paragraphs,
)

# Both the decision form and the report repeat these paragraphs word for word.
_INTRODUCTION = (
    "MPS are committed to taking action in response to feedback made through the staff survey. "
    "Over the past 2 years, satisfaction with Met technology has increased significantly across "
    "both operational and support business groups. Each year Digital Policing analyses the "
    "Met-wide feedback about technology. In May 2021, a welfare-focused survey was undertaken and "
    "a small reduction in satisfaction with technology was recorded. Closer analysis has found "
    "that much of this dissatisfaction stems from local management decisions for device "
    "eligibility during the Pandemic and availability of technology rather than dissatisfaction "
    "with the functionality itself.",
    "It is critically important that staff and officers understand that Management Board takes "
    "the survey seriously and that participating is worthwhile. Building that confidence leads "
    "to higher levels of participation and in turns provides richer feedback. To support this, "
    "DP intends to respond to the feedback and address some of the key concerns arising.",
)
_PRIVACY_OBLIGATIONS = (
    "The MPS is subject to the requirements and conditions placed on it as a 'State' body to "
    "comply with the European Convention of Human Rights and the Data Protection Act (DPA) 2018. "
    "Both legislative requirements place an obligation on the MPS to process personal data "
    "fairly and lawfully in order to safeguard the rights and freedoms of individuals.",
    "Under Article 35 of the General Data Protection Regulation (GDPR) and Section 57 of the DPA "
    "2018, Data Protection Impact Assessments (DPIA) become mandatory for organisations with "
    "technologies and processes that are likely to result in a high risk to the rights of the "
    "data subjects.",
    "The Information Assurance and Information Rights units within MPS will be consulted at all "
    "stages to ensure the project meets its compliance requirements.",
)
_DPIA_DONE = (
    " The project will ensure a privacy by design approach, which will allow the MPS to find and "
    "fix problems at the early stages of any project, ensuring compliance with GDPR. DPIAs "
    "support the accountability principle, as they will ensure the MPS complies with the "
    "requirements of GDPR and they demonstrate that appropriate measures have been taken to "
    "ensure compliance."
)
_EQUALITY = (
    "As this is an extension of an existing service this work does not change any aspects "
    "relating to equality or diversity."
)
_ISSUES = (
    "DP analyse every staff survey to understand what MPS officers and staff tell us about "
    "technology. DP are determined to respond and issue communications to that effect through "
    "the DMC",
    "These activities address the core findings from MPS survey respondents that related to "
    "technology and assist in 'levelling up' technology provision across the MPS",
    "These activities do not overlap, compromise, or impact upon any other ongoing major "
    "technology programmes",
    "These activities cannot be completed before the next staff survey due to supplier lead "
    "times, but communications will be issued to officers to inform them that action is being "
    "taken",
    "Senior leadership in the affected B/OCUs are supportive of this business case",
)
_BUDGET = "the MOPAC Approved Digital Policing (DP) Capital Budget"


def _sentences(texts: tuple[str, ...]) -> tuple[str, ...]:
    # The decision form ends each issue with a full stop; the report does not.
    return tuple(f"{text}." for text in texts)


DECISION_FIELDS = {
    "executive_summary": (
        "This decision seeks approval for further deployments of Tethered In Vehicle Mobile "
        "Application (IVMA) devices across the fleet. No new procurement routes or processes "
        "required as the IVMA installation is via the existing contract with Babcocks and "
        "procurement of IVMA tablets via the CDW framework."
    ),
    "introduction": paragraphs(*_INTRODUCTION),
    "issues_for_consideration": paragraphs(*_sentences(_ISSUES)),
    "financial_comments": (
        "The Capital cost of £1,482.4k in 2021/22 for fleet-wide accelerated deployment of "
        f"Tethered IVMA is fully funded from {_BUDGET}."
    ),
    "legal_comments": paragraphs(
        "The MOPAC Scheme of Delegation and Consent provides the Deputy Mayor for Policing and "
        "Crime (“DMPC”) has delegated authority to approve business cases for revenue or capital "
        "expenditure of £500,000 and above (paragraph 4.8).",
        "There are no specific legal issues arising from this paper, and the recommendation can "
        "be lawfully approved. The funds required to complete the purchase will come from the "
        "approved Digital Policing budget.",
    ),
    "commercial_issues": (
        "IVMA installation is via the existing contract with Babcocks and procurement of IVMA "
        "tablets via the CDW framework. Using CDW provides best value for money because the build "
        "is undertaken in-house so there is no need for service from the Pegasus suppliers and "
        "the MPS can avoid their mark-up."
    ),
    "gdpr_privacy": paragraphs(
        *_PRIVACY_OBLIGATIONS, "A DPIA has been completed for this project" + _DPIA_DONE
    ),
    "equality_comments": _EQUALITY,
    "supporting_papers": "Report.",
    "part1_deferred": False,
    "deferral_reason": "",
    "deferred_until": None,
    "has_part_two": False,
}

RECOMMENDATION = (
    "The Deputy Mayor for Policing and Crime is recommended to approve Capital spend of "
    "£1,482,400 in 2021/22 for fleet-wide accelerated deployment of Tethered In Vehicle Mobile "
    f"Application (IVMA) fully funded from {_BUDGET}."
)

REPORT_FIELDS = {
    # Printed in capitals over two lines: "MAYOR OF LONDON / OFFICE FOR POLICING AND CRIME".
    "organisation": "Mayor of London Office for Policing and Crime",
    "title": "Accelerated IVMA Improvements",
    "meeting": "MOPAC Investment Advisory & Monitoring meeting",
    "meeting_date": date(2021, 10, 7),
    "report_by": "Darren Scates",
    "on_behalf_of": "the Chief of Corporate Services",
    "protective_marking": "OFFICIAL – PUBLIC",
    "executive_summary": paragraphs(
        "Digital Policing (DP) analyse every staff survey to understand what MPS officers and "
        "staff tell us about technology. DP are determined to respond and issue communications to "
        "that effect through the DMC This Business Case addresses the core findings from MPS "
        "survey respondents that related to technology and assist in 'levelling up' technology "
        "provision across the MPS",
        "This business justification paper seeks approval for further deployments of Tethered In "
        'Vehicle Mobile Application (IVMA) devices across the fleet and to recycle recovered 7" '
        "tablets from the fleet to the Met Special Constabulary. Other deployments of hardware "
        "across the MPS, in relation to docking monitors for MO7 taskforce and a proof of concept "
        "in Ilford Police Station to address the shortage of cables in writing rooms, have been "
        "approved under MPS delegated authority.",
    ),
    "recommendations_intro": (
        "The Deputy Mayor for Policing and Crime, via the Investment Advisory and Monitoring "
        "meeting (IAM), is asked to:"
    ),
    # The published text ends in a stray "**" (markdown residue), left out here.
    "recommendations": (
        "Approve... Capital of £1,482.4k in 2021/22 for fleet-wide accelerated deployment of "
        f"Tethered IVMA fully funded from {_BUDGET}"
    ),
    "decision_required_by": date(2021, 10, 21),
    "time_sensitivity": paragraphs(
        "A decision is required from the Deputy Mayor by 21st October 2021. This is because...",
        "It is critically important that staff and officers understand that Management Board "
        "takes the survey seriously and that participating is worthwhile. Building that "
        "confidence leads to higher levels of participation and in turns provides richer "
        "feedback. To support this, DP intends to respond to the feedback and address some of the "
        "key concerns arising from the staff survey.",
        "The speedy rollout of the tethered IVMA solution is crucial to raise Operational Usage "
        "and trust in the vehicle Technology and enables front line staff to have fuller access "
        "to data to be able to undertake their duties.",
    ),
    "introduction": paragraphs(*_INTRODUCTION),
    "issues_for_consideration": paragraphs(*_ISSUES),
    # The heading's footnote mark goes with the plan's name, as printed.
    "police_crime_plan_name": "MOPAC Police & Crime Plan 2017-2021¹",
    "police_crime_plan": paragraphs(
        "This BJP supports the Met Direction pillar of Data and Digital Technology. By addressing "
        "some of the simple tactical problems that officers have highlighted, DP can enable them "
        "to make more and better use of the existing technology.",
        # The footnote of the section's heading, as plain text (its link went nowhere).
        "¹ Police and crime plan: a safer city for all Londoners | London City Hall",
    ),
    "financial_comments": paragraphs(
        "The Capital cost of £1,482.4k in 2021/22 for fleet-wide accelerated deployment of "
        f"Tethered IVMA fully funded from {_BUDGET}.",
        "IVMA installation is via the existing contract with Babcocks and procurement of IVMA "
        "tablets via the CDW. Using CDW provides best value for money because the build is "
        "undertaken in-house so there is no need for service from the Pegasus suppliers and the "
        "MPS can avoid their mark-up.",
    ),
    "legal_comments": (
        "There are no specific legal issues arising from this paper and the recommendation can be "
        "lawfully approved. The funds required to complete the purchase will come from the "
        "approved Digital Policing budget."
    ),
    "equality_comments": _EQUALITY,
    "privacy_comments": paragraphs(
        *_PRIVACY_OBLIGATIONS, "A DPIA has been completed for this project." + _DPIA_DONE
    ),
    "real_estate": "There are no real estate implications arising from this report.",
    "environmental": (
        'This business case has considered the MPS Environment Policy. Recovered 7" devices from '
        "fleet will be returned to CapGemini for re-build to Foundation spec. A further 200 are in "
        "stock and will also be deployed. The DP Digital Experience team will work with MPS "
        "Special Constabulary (MSC) leadership to identify those OCUs that require more devices "
        "and allocate accordingly to the local MSC coordinator"
    ),
    "background_papers": "",
    "report_author": "Richard Gittings, DP Business Engagement Manager",
}

DECLARATION = (
    Declaration(
        DeclarationKind.FINANCIAL,
        advice(DeclarationKind.FINANCIAL, 0),
        ticked=True,
        cleared_at=london(2021, 10, 12, 10, 15),
    ),
    Declaration(
        DeclarationKind.LEGAL,
        advice(DeclarationKind.LEGAL, 0),
        ticked=True,
        cleared_at=london(2021, 10, 12, 15, 40),
    ),
    Declaration(
        DeclarationKind.EQUALITIES,
        advice(DeclarationKind.EQUALITIES, 0),
        ticked=True,
        cleared_at=london(2021, 10, 13, 11, 5),
    ),
    Declaration(
        DeclarationKind.COMMERCIAL,
        advice(DeclarationKind.COMMERCIAL, 0),
        ticked=True,
        cleared_at=london(2021, 10, 13, 16, 20),
    ),
    Declaration(
        DeclarationKind.PRIVACY,
        advice(DeclarationKind.PRIVACY, 0),
        ticked=True,
        cleared_at=london(2021, 10, 14, 9, 30),
    ),
    # The officer's own line is ticked on submission, not cleared by anyone else.
    Declaration(
        DeclarationKind.DRAFTING_OFFICER,
        DRAFTING_OFFICER_STATEMENT.format(name="Craig James", organisation="MOPAC"),
        ticked=True,
    ),
    Declaration(
        DeclarationKind.DIRECTOR,
        DIRECTOR_STATEMENT.format(reviewer="The Chief Finance Officer"),
        ticked=True,
        cleared_at=london(2021, 10, 20, 14, 0),
    ),
)

PCD_1069 = RecordSpec(
    form_type="dmpc-decision",
    number=1069,
    title="Accelerated IVMA Improvements",
    status=DecisionStatus.PUBLISHED,
    decision_maker=DMPC,
    fields=DECISION_FIELDS,
    recommendations=(RECOMMENDATION,),
    expenditure=(
        Money(
            ExpenditureLine.Kind.CAPITAL,
            "2021/22",
            Decimal("1482400.00"),
            "MOPAC Approved Digital Policing (DP) Capital Budget",
        ),
    ),
    report=REPORT_FIELDS,
    declaration=DECLARATION,
    signatures=(
        Signature(
            SignOff.Kind.CHIEF_EXECUTIVE,
            Role.CHIEF_EXECUTIVE,
            chief_executive_statement(DMPC),
            SignOff.Outcome.CONFIRMED,
            london(2021, 10, 22),
        ),
        Signature(
            SignOff.Kind.DECISION,
            Role.DMPC,
            APPROVAL_STATEMENT,
            SignOff.Outcome.APPROVED,
            london(2021, 11, 5),
        ),
    ),
    started_at=london(2021, 9, 27, 9, 0),
)
