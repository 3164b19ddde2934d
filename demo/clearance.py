"""The policing office's Originating Officer Declaration, in the words of its 2021 form: the
clearance lines its form types are set up with (decisions.models.FormClearanceLine).
Migration decisions 0015 keeps its own copy, for the form types it finds."""

# {reviewer}: who reviewed it ("The Chief Finance Officer").
DIRECTOR_STATEMENT = (
    "{reviewer} has reviewed the request and is satisfied it is correct and consistent with the "
    "MOPAC's plans and priorities."
)
DIRECTOR_REVIEWERS = (
    "The Chief Finance Officer",
    "The Director of Strategy and Commissioning",
    "The Director of Operations",
)

# kind: (statements, not applicable wording)
POLICING_CLEARANCE_LINES: dict[str, tuple[tuple[str, ...], str]] = {
    "financial": (
        (
            "The Strategic Finance and Resource Management Team has been consulted on this "
            "proposal.",
            "There are no financial implications; the Strategic Finance and Resource "
            "Management Team has been told of this proposal.",
        ),
        "",
    ),
    "legal": (
        (
            "Legal advice is not required.",
            "The MOPAC legal team has been consulted on the proposal.",
            "Legal advice has been sought and is reflected in the body of the report.",
        ),
        "",
    ),
    "equalities": (("Equality and diversity issues are covered in the body of the report.",), ""),
    "commercial": (
        (
            "The proposal is in keeping with the GLA Group Responsible Procurement Policy.",
            "There are no commercial issues.",
        ),
        "",
    ),
    "privacy": (
        (
            "GDPR compliance issues are covered in the body of the report.\n"
            "A DPIA has been completed.",
            "GDPR compliance issues are covered in the body of the report.\n"
            "A DPIA is not required.",
        ),
        "",
    ),
    "director": (
        tuple(DIRECTOR_STATEMENT.format(reviewer=reviewer) for reviewer in DIRECTOR_REVIEWERS),
        "",
    ),
}


def clearance_line_rows(lines: dict[str, tuple[tuple[str, ...], str]]) -> list[dict]:
    """The FormClearanceLine fields of each line, in order."""
    return [
        {
            "position": position,
            "kind": kind,
            "statements": "\n\n".join(statements),
            "not_applicable_statement": not_applicable,
        }
        for position, (kind, (statements, not_applicable)) in enumerate(lines.items(), start=1)
    ]
