"""The Originating Officer Declaration: who confirms each line, and what they may say.

The statements are those of the body's paper form; an adviser chooses the one
that is true (for example that legal advice is not required, or that it was taken).
"""

from typing import NamedTuple

from core.roles import Role
from decisions.models import DeclarationKind

# {reviewer}: who reviewed it ("The Chief Finance Officer").
DIRECTOR_STATEMENT = (
    "{reviewer} has reviewed the request and is satisfied it is correct and consistent with the "
    "MOPAC's plans and priorities."
)


class ClearanceLine(NamedTuple):
    kind: DeclarationKind
    role: Role
    permission: str
    statements: tuple[str, ...]


CLEARANCE_LINES: dict[str, ClearanceLine] = {
    line.kind: line
    for line in [
        ClearanceLine(
            DeclarationKind.FINANCIAL,
            Role.FINANCE,
            "decisions.clear_financial",
            (
                "The Strategic Finance and Resource Management Team has been consulted on this "
                "proposal.",
                "There are no financial implications; the Strategic Finance and Resource "
                "Management Team has been told of this proposal.",
            ),
        ),
        ClearanceLine(
            DeclarationKind.LEGAL,
            Role.LEGAL,
            "decisions.clear_legal",
            (
                "Legal advice is not required.",
                "The MOPAC legal team has been consulted on the proposal.",
                "Legal advice has been sought and is reflected in the body of the report.",
            ),
        ),
        ClearanceLine(
            DeclarationKind.EQUALITIES,
            Role.EQUALITIES,
            "decisions.clear_equalities",
            ("Equality and diversity issues are covered in the body of the report.",),
        ),
        ClearanceLine(
            DeclarationKind.COMMERCIAL,
            Role.COMMERCIAL,
            "decisions.clear_commercial",
            (
                "The proposal is in keeping with the GLA Group Responsible Procurement Policy.",
                "There are no commercial issues.",
            ),
        ),
        ClearanceLine(
            DeclarationKind.PRIVACY,
            Role.INFORMATION_RIGHTS,
            "decisions.clear_privacy",
            (
                "GDPR compliance issues are covered in the body of the report.\n"
                "A DPIA has been completed.",
                "GDPR compliance issues are covered in the body of the report.\n"
                "A DPIA is not required.",
            ),
        ),
        ClearanceLine(
            DeclarationKind.DIRECTOR,
            Role.DIRECTOR,
            "decisions.clear_director",
            tuple(
                DIRECTOR_STATEMENT.format(reviewer=reviewer)
                for reviewer in (
                    "The Chief Finance Officer",
                    "The Director of Strategy and Commissioning",
                    "The Director of Operations",
                )
            ),
        ),
    ]
}
