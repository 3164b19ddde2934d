"""Who may read and draft records: pure functions of a user and a record.

The workflow's rules (who signs, decides, returns, publishes) are in
approvals.policies, which builds on these.
"""

from .models import Decision


def can_view_decisions(user) -> bool:
    """Staff who may read records at all: every role holds decisions.view_decision."""
    return user.is_authenticated and user.has_perm("decisions.view_decision")


def can_view_part_two(user, decision: Decision) -> bool:
    """Part 2 is for reviewers holding decisions.view_parttwo and the record's own drafter."""
    if not can_view_decisions(user):
        return False
    return user.has_perm("decisions.view_parttwo") or decision.drafting_officer_id == user.pk


def can_start_draft(user) -> bool:
    """Drafting officers start records."""
    return user.is_authenticated and user.has_perm("decisions.draft_decision")


def can_edit_draft(user, decision: Decision) -> bool:
    """A draft is edited by its own drafting officer, or by an administrator; nothing else is."""
    if not user.is_authenticated or decision.status != Decision.Status.DRAFT:
        return False
    if user.has_perm("decisions.edit_any_draft"):
        return True
    return decision.drafting_officer_id == user.pk and user.has_perm("decisions.draft_decision")


def may_draft(user) -> bool:
    """Drafting pages are for drafting officers, and administrators who may edit any draft."""
    return can_start_draft(user) or user.has_perm("decisions.edit_any_draft")
