import pytest

from tests.workflow import clear_all, sign_to_approval


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


@pytest.fixture
def at_decision(at_chief_executive, people):
    """Signed by the Chief Executive: with the decision maker."""
    return sign_to_approval(at_chief_executive, people)
