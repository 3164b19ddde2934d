"""Locking a record, shared by the drafting and the workflow services.

Lock order (PostgreSQL): every transition takes its row locks in this order, and
no transaction takes them in another, so no two can wait for each other.

1. The signer's user row, FOR NO KEY UPDATE (approvals.lockout.signing_locked), in
   the signing steps and the admin's password change, and the named account's row in
   sign-in, the site's and the admin's (accounts.forms.OneAttemptAtATimeMixin), only:
   it queues one person's password checks so that the lockout counts each wrong
   password before the next is checked.
2. The record's row, and only its own row (decision_row_lock here, by every service
   that changes a record; approvals.publication takes the same row, FOR UPDATE, and
   no other row after it).
3. In submission only, after the record: its reference series' row (the next number).

Last, wherever a wrong password is counted, after lock 1 (and after the record in a
signing step): django-axes' attempt row for the username and address, FOR UPDATE,
taken by axes itself.

Nothing else is row-locked. The rows a transition writes (sign-offs, actions,
history) name users and the record; PostgreSQL checks those foreign keys at commit
with FOR KEY SHARE on the rows named, which does not conflict with FOR NO KEY UPDATE
(lock 1 and the record lock here) nor wait for anything a transaction later in the
order holds. A user row locked FOR UPDATE did conflict: the publishing transaction,
holding the record, waited at commit for the approver's row, held FOR UPDATE by the
same approver's second request, which waited for the record (finding B).

SQLite has no row locks: its IMMEDIATE write transactions (settings: DATABASES
OPTIONS transaction_mode) run one at a time, and the checks here hold the same way.
"""

from django.utils import timezone

from accounts.models import User
from core.errors import StaleRecord

from .canonical import decision_content_hash
from .models import DECISION_RELATIONS, Decision


def decision_row_lock(*, decision_id: int) -> Decision:
    """The record, its own row locked until the transaction ends. Call inside
    transaction.atomic().

    Only the record's row (of=self): locking the joined series, form type and drafter
    too would take a user's row after a record's, the reverse of the lock order above.
    FOR NO KEY UPDATE, as no service changes a record's key: rows naming the record,
    written by others, are not held up by it.
    """
    return (
        Decision.objects.select_for_update(no_key=True, of=("self",))
        .select_related(*DECISION_RELATIONS)
        .get(pk=decision_id)
    )


def stale_record(*, decision: Decision, user: User) -> StaleRecord:
    """The refusal for a page loaded before the record's latest version: naming who
    made that version, and when."""
    last = decision.history.select_related("history_user").first()
    who = "Someone"
    if last is not None and last.history_user is not None:
        who = "You" if last.history_user_id == user.pk else str(last.history_user)
    when = last.history_date if last is not None else decision.updated_at
    return StaleRecord(changed_by=who, changed_at=timezone.localtime(when))


def decision_lock(*, decision_id: int, user: User, lock_version: int) -> Decision:
    """The record, row-locked, if nobody saved or acted on it since lock_version.

    Call inside transaction.atomic(). Raises StaleRecord naming who made the latest
    version, and when.
    """
    decision = decision_row_lock(decision_id=decision_id)
    if decision.lock_version != lock_version:
        raise stale_record(decision=decision, user=user)
    return decision


def decision_lock_content(*, decision_id: int, user: User, content_hash: str) -> Decision:
    """The record, row-locked, if its signed content is still what the user read
    (decisions.canonical), whatever else happened to it since: for a step that signs
    one independent part of a record (a clearance line), which others' lines signed
    in the meantime do not make stale.

    Call inside transaction.atomic(). Raises StaleRecord as decision_lock.
    """
    decision = decision_row_lock(decision_id=decision_id)
    if decision_content_hash(decision=decision) != content_hash:
        raise stale_record(decision=decision, user=user)
    return decision
