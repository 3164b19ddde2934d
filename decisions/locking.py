"""Optimistic locking of a record, shared by the drafting and the workflow services."""

from django.utils import timezone

from accounts.models import User
from core.errors import StaleRecord

from .models import Decision


def decision_lock(*, decision_id: int, user: User, lock_version: int) -> Decision:
    """The record, row-locked, if nobody saved or acted on it since lock_version.

    Call inside transaction.atomic(). On SQLite, which has no row locks, the
    IMMEDIATE write transaction (settings: DATABASES OPTIONS transaction_mode)
    serialises writers instead; the version check holds either way. Raises
    StaleRecord naming who made the latest version, and when.
    """
    # Only the record's own row (of=self): locking the joined series, form type and
    # drafter too would take a user's row after a record's, the reverse of the
    # signing pages' order (approvals.lockout), and two signers could deadlock.
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("series", "form_type", "drafting_officer")
        .get(pk=decision_id)
    )
    if decision.lock_version != lock_version:
        last = decision.history.select_related("history_user").first()
        who = "Someone"
        if last is not None and last.history_user is not None:
            who = "You" if last.history_user_id == user.pk else str(last.history_user)
        when = last.history_date if last is not None else decision.updated_at
        raise StaleRecord(changed_by=who, changed_at=timezone.localtime(when))
    return decision
