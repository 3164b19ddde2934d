"""Who may draft records, and read their Part 2: pure functions of a user and a record.

The workflow's rules (who signs, decides, returns, publishes) are in
approvals.policies, which builds on these, and so is who may read one record
(it needs the record's route): this layer asks it through can_read_record and
can_read_workings below.
"""

from accounts.models import User

from .models import Decision


def can_view_decisions(user: User) -> bool:
    """Staff who may read records at all: every role holds decisions.view_decision."""
    return user.is_authenticated and user.has_perm("decisions.view_decision")


# Who may read one record is decided by approvals.policies (can_read_record,
# can_read_workings), which knows the record's route; this layer asks it through
# user.has_perm with these names and the record (approvals.backends). They are not
# permissions anyone is given: only the backend (or a superuser) answers yes.
READ_RECORD = "decisions.read_record"
READ_WORKINGS = "decisions.read_record_workings"


def can_read_record(user: User, decision: Decision) -> bool:
    """Whether this user may open this record's page: its officer, its reviewers on the
    route, administrators, and every member of staff once it is on the register."""
    return can_view_decisions(user) and user.has_perm(READ_RECORD, decision)


def can_read_workings(user: User, decision: Decision) -> bool:
    """Whether this user may read this record's drafts, preview, history and papers: its
    officer, its reviewers on the route (once submitted) and administrators only."""
    return can_view_decisions(user) and user.has_perm(READ_WORKINGS, decision)


def can_view_part_two(user: User, decision: Decision) -> bool:
    """Part 2 is for reviewers holding decisions.view_parttwo and the record's own drafter."""
    if not can_view_decisions(user):
        return False
    return user.has_perm("decisions.view_parttwo") or decision.drafting_officer_id == user.pk


def can_start_draft(user: User) -> bool:
    """Drafting officers start records."""
    return user.is_authenticated and user.has_perm("decisions.draft_decision")


def is_draft(decision: Decision) -> bool:
    """Whether the record is a draft: the only status in which its content may change."""
    return decision.status == Decision.Status.DRAFT


def why_not_edit_draft(user: User, decision: Decision) -> str | None:
    """Why this user may not change this record now, or None if they may (can_edit_draft)."""
    if not is_draft(decision):
        return "This record has been submitted: it can no longer be changed."
    if not user.is_authenticated:
        return "Only the drafting officer of this record can change it."
    if user.has_perm("decisions.edit_any_draft"):
        return None
    if decision.drafting_officer_id == user.pk and user.has_perm("decisions.draft_decision"):
        return None
    return "Only the drafting officer of this record can change it."


def can_edit_draft(user: User, decision: Decision) -> bool:
    """A draft is edited by its own drafting officer, or by an administrator; nothing else is."""
    return why_not_edit_draft(user, decision) is None


def may_draft(user: User) -> bool:
    """Drafting pages are for drafting officers, and administrators who may edit any draft."""
    return can_start_draft(user) or user.has_perm("decisions.edit_any_draft")
