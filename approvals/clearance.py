"""The Originating Officer Declaration: who confirms each line.

Which lines a record's form has, and the statements an adviser chooses the true one
from (for example that legal advice is not required, or that it was taken), are the
form type's, in its body's words (decisions.models.FormClearanceLine).
"""

from typing import NamedTuple

from core.roles import Role
from decisions.models import Decision, DeclarationKind, FormClearanceLine


class ClearanceLine(NamedTuple):
    kind: DeclarationKind
    role: Role
    permission: str


CLEARANCE_LINES: dict[str, ClearanceLine] = {
    line.kind: line
    for line in [
        ClearanceLine(
            DeclarationKind.FINANCIAL,
            Role.FINANCE,
            "decisions.clear_financial",
        ),
        ClearanceLine(
            DeclarationKind.LEGAL,
            Role.LEGAL,
            "decisions.clear_legal",
        ),
        ClearanceLine(
            DeclarationKind.EQUALITIES,
            Role.EQUALITIES,
            "decisions.clear_equalities",
        ),
        ClearanceLine(
            DeclarationKind.COMMERCIAL,
            Role.COMMERCIAL,
            "decisions.clear_commercial",
        ),
        ClearanceLine(
            DeclarationKind.PRIVACY,
            Role.INFORMATION_RIGHTS,
            "decisions.clear_privacy",
        ),
        ClearanceLine(
            DeclarationKind.DIRECTOR,
            Role.DIRECTOR,
            "decisions.clear_director",
        ),
    ]
}


def form_lines(decision: Decision) -> list[tuple[ClearanceLine, FormClearanceLine]]:
    """The lines of the record's form an adviser confirms, in order, each with who
    confirms it. Reads decision.form_type.clearance_lines (prefetch it)."""
    return [
        (CLEARANCE_LINES[line.kind], line)
        for line in decision.form_type.clearance_lines.all()
        if line.kind in CLEARANCE_LINES
    ]


def form_line_kinds(decision: Decision) -> list[str]:
    """The kinds of the lines of the record's form an adviser confirms, in order."""
    return [line.kind for _, line in form_lines(decision)]


def form_line(decision: Decision, kind: str) -> FormClearanceLine | None:
    """The record's form's line of this kind, or None when its form has none."""
    return next((line for _, line in form_lines(decision) if line.kind == kind), None)
