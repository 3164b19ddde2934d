"""Taking a record through the workflow's services, for tests that need it further on."""

from approvals.clearance import CLEARANCE_LINES, form_lines
from core.roles import Role
from decisions.canonical import decision_content_hash
from tests.factories import PASSWORD


def statements(kind: str) -> tuple[str, ...]:
    """The statements the policing office's forms offer on a line (demo.clearance)."""
    from demo.clearance import POLICING_CLEARANCE_LINES

    return POLICING_CLEARANCE_LINES[kind][0]


# Every line an adviser confirms on the policing office's forms, in order, with who.
LINES = list(CLEARANCE_LINES.values())


def clear_all(decision, people, *, now=None):
    """Every adviser confirms their line, with the first statement of each."""
    from approvals.services import clearance_confirm

    decision.refresh_from_db()
    for line, form_line in form_lines(decision):
        decision.refresh_from_db()
        clearance_confirm(
            decision_id=decision.pk,
            user=people[line.role],
            content_hash=decision_content_hash(decision=decision),
            kind=line.kind,
            statement=form_line.options[0],
            password=PASSWORD,
            now=now,
        )
    decision.refresh_from_db()
    return decision


def sign_to_approval(decision, people, *, approve: bool | None = None):
    """The Chief Executive signs; then, if `approve` is given, the DMPC decides so."""
    from approvals.services import chief_executive_sign, decision_take

    chief_executive_sign(
        decision_id=decision.pk,
        user=people[Role.CHIEF_EXECUTIVE],
        lock_version=decision.lock_version,
        password=PASSWORD,
    )
    decision.refresh_from_db()
    if approve is not None:
        decision_take(
            decision_id=decision.pk,
            user=people[Role.DMPC],
            lock_version=decision.lock_version,
            password=PASSWORD,
            approve=approve,
        )
        decision.refresh_from_db()
    return decision
