"""Two people acting at once: real threads, each with its own database connection.

On PostgreSQL the row locks (select_for_update) order them; on SQLite the
IMMEDIATE write transactions do. Either way one acts and the other is told why not.
"""

import pytest

from approvals.clearance import CLEARANCE_LINES
from approvals.services import clearance_confirm, decision_submit, decision_take
from core.errors import DomainError
from core.roles import Role
from decisions.models import Decision, ReferenceSeries
from tests.factories import PASSWORD
from tests.threads import run_together
from tests.workflow import clear_all

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data", "not_in_memory"),
]


def test_parallel_submissions_get_distinct_references(officer, ready_draft):
    drafts = [ready_draft() for _ in range(4)]
    results = run_together(
        *[
            lambda d=d: decision_submit(decision_id=d.pk, user=officer, lock_version=d.lock_version)
            for d in drafts
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        Decision.objects.filter(pk__in=[d.pk for d in drafts]).values_list("number", flat=True)
    )
    assert numbers == [1070, 1071, 1072, 1073]
    assert ReferenceSeries.objects.get(prefix="PCD").next_number == 1074


def test_parallel_approvals_act_once(officer, people, ready_draft, make_user):
    decision = ready_draft(amount="64500.00")  # the Chief Executive decides
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    second = make_user(Role.CHIEF_EXECUTIVE, username="ceo2")
    version = decision.lock_version
    results = run_together(
        *[
            lambda u=u: decision_take(
                decision_id=decision.pk,
                user=u,
                lock_version=version,
                password=PASSWORD,
                approve=True,
            )
            for u in (people[Role.CHIEF_EXECUTIVE], second)
        ]
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], DomainError)
    assert "changed this record at" in str(refused[0])
    assert decision.signoffs.filter(kind="decision").count() == 1
    assert decision.actions.filter(verb="approved").count() == 1


def test_two_advisers_confirming_the_same_line_at_once(officer, people, ready_draft, make_user):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    other = make_user(Role.FINANCE, username="finance2")
    statement = CLEARANCE_LINES["financial"].statements[0]
    results = run_together(
        *[
            lambda u=u: clearance_confirm(
                decision_id=decision.pk,
                user=u,
                lock_version=decision.lock_version,
                kind="financial",
                statement=statement,
                password=PASSWORD,
            )
            for u in (people[Role.FINANCE], other)
        ]
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert decision.signoffs.filter(declaration_kind="financial").count() == 1
