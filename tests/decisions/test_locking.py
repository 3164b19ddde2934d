"""The record lock takes the record's row and nothing else."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import StaleRecord
from decisions.locking import decision_lock
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_only_the_records_row_is_locked(officer):
    """Not the joined series, form type or drafter: a signing page locks the signer's
    row before the record's, so a lock on a user's row after a record's could deadlock.
    FOR NO KEY UPDATE: rows written by others that name the record are not held up."""
    decision = DecisionFactory(drafting_officer=officer)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        decision_lock(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    [sql] = [q["sql"] for q in queries.captured_queries if "FOR NO KEY UPDATE" in q["sql"]]
    assert sql.endswith('FOR NO KEY UPDATE OF "decisions_decision"')


def test_a_stale_version_is_refused_with_who_saved_it(officer):
    decision = DecisionFactory(drafting_officer=officer)
    with pytest.raises(StaleRecord), transaction.atomic():
        decision_lock(decision_id=decision.pk, user=officer, lock_version=decision.lock_version - 1)
