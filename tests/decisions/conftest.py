import pytest

from approvals.services import chief_executive_sign, decision_submit, decision_take
from decisions.roles import Role
from tests.approvals.conftest import clear_all, people, ready_draft  # noqa: F401 - fixtures
from tests.factories import PASSWORD


@pytest.fixture
def approve(officer, people, ready_draft):  # noqa: F811 - fixtures imported above
    """A record taken to approval through the real services: approve(**fields).

    decision_take enqueues publication only once its transaction commits, which a
    test's transaction never does: the record stays approved until a test publishes it.
    """

    def make(**fields):
        decision = ready_draft(**fields)
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
        clear_all(decision, people)
        chief_executive_sign(
            decision_id=decision.pk,
            user=people[Role.CHIEF_EXECUTIVE],
            lock_version=decision.lock_version,
            password=PASSWORD,
        )
        decision.refresh_from_db()
        decision_take(
            decision_id=decision.pk,
            user=people[Role.DMPC],
            lock_version=decision.lock_version,
            password=PASSWORD,
            approve=True,
        )
        decision.refresh_from_db()
        return decision

    return make
