import pytest

from approvals.services import decision_submit
from tests.workflow import clear_all, sign_to_approval


@pytest.fixture
def approve(officer, people, ready_draft):
    """A record taken to approval through the real services: approve(**fields).

    decision_take enqueues publication only once its transaction commits, which a
    test's transaction never does: the record stays approved until a test publishes it.
    """

    def make(**fields):
        decision = ready_draft(**fields)
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
        return sign_to_approval(clear_all(decision, people), people, approve=True)

    return make
