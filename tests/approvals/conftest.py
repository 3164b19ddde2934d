import pytest

from approvals.clearance import CLEARANCE_LINES
from core.roles import Role
from decisions.models import DeclarationLine
from tests.factories import (
    PASSWORD,
    DecisionFactory,
    DeclarationLineFactory,
    ExpenditureLineFactory,
    RecommendationFactory,
)

ROLE_USERNAMES = {
    Role.FINANCE: "finance",
    Role.LEGAL: "legal",
    Role.EQUALITIES: "equalities",
    Role.COMMERCIAL: "commercial",
    Role.INFORMATION_RIGHTS: "inforights",
    Role.DIRECTOR: "director",
    Role.CHIEF_EXECUTIVE: "ceo",
    Role.DMPC: "dmpc",
    Role.MAYOR: "mayor",
}


@pytest.fixture
def people(make_user, officer):
    """One user for each reviewing role, by role, plus the drafting officer."""
    found = {role: make_user(role, username=name) for role, name in ROLE_USERNAMES.items()}
    found[Role.DRAFTING_OFFICER] = officer
    return found


@pytest.fixture
def ready_draft(officer):
    """A draft complete enough to submit, worth £1,482,400.00."""

    def make(amount: str = "1482400.00", **fields):
        fields.setdefault("publication_answered", True)
        decision = DecisionFactory(drafting_officer=officer, **fields)
        RecommendationFactory(decision=decision)
        if amount:
            ExpenditureLineFactory(decision=decision, amount=amount)
        DeclarationLineFactory(
            decision=decision,
            kind=DeclarationLine.Kind.DRAFTING_OFFICER,
            statement="Craig James has drafted this report in accordance with MOPAC procedures.",
            ticked=True,
        )
        return decision

    return make


def clear_all(decision, people, *, now=None):
    """Every adviser confirms their line, with the first statement of each."""
    from approvals.services import clearance_confirm

    for kind, line in CLEARANCE_LINES.items():
        decision.refresh_from_db()
        clearance_confirm(
            decision_id=decision.pk,
            user=people[line.role],
            lock_version=decision.lock_version,
            kind=kind,
            statement=line.statements[0],
            password=PASSWORD,
            now=now,
        )
    decision.refresh_from_db()
    return decision


@pytest.fixture
def at_clearance(officer, people, ready_draft):
    """A record submitted for clearance, no line yet confirmed."""
    from approvals.services import decision_submit

    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def at_chief_executive(at_clearance, people):
    """Every line confirmed: with the Chief Executive."""
    return clear_all(at_clearance, people)


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


@pytest.fixture
def at_decision(at_chief_executive, people):
    """Signed by the Chief Executive: with the decision maker."""
    return sign_to_approval(at_chief_executive, people)
