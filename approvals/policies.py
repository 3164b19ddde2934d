"""Object-level permission rules: pure functions of a user and a record.

Views, templates (through their context) and services all ask these, so a rule
is decided in one place. Role permissions (held through Groups) gate the views
first; these decide about one record.
"""

from core.errors import NotAllowed
from core.roles import Role
from decisions.models import Decision, DecisionMaker
from decisions.policies import can_edit_draft

from .clearance import CLEARANCE_LINES

# Who decides, by the record's decision maker: the permission, and the role signed in.
DECIDING_PERMISSIONS = {
    DecisionMaker.DMPC: "decisions.decide_dmpc",
    DecisionMaker.MAYOR: "decisions.decide_mayor",
    DecisionMaker.CHIEF_EXECUTIVE: "decisions.decide_chief_executive",
}
DECIDING_ROLES = {
    DecisionMaker.DMPC: Role.DMPC,
    DecisionMaker.MAYOR: Role.MAYOR,
    DecisionMaker.CHIEF_EXECUTIVE: Role.CHIEF_EXECUTIVE,
}
REVIEWING_PERMISSIONS = [
    *(line.permission for line in CLEARANCE_LINES.values()),
    "decisions.sign_chief_executive",
    *DECIDING_PERMISSIONS.values(),
]
# Every permission that lets its holder sign: only a superuser grants these, on any
# admin form, or puts someone in a group that holds one (approvals.admin).
SIGNING_PERMISSIONS: frozenset[str] = frozenset(REVIEWING_PERMISSIONS)
UNDER_REVIEW = {
    Decision.Status.CLEARANCE,
    Decision.Status.CHIEF_EXECUTIVE,
    Decision.Status.DECISION_MAKER,
}


def may_grant_signing(user) -> bool:
    """Whether `user` may give signing permissions, or the groups and accounts that
    hold them: a superuser only, so no administrator can make anyone a signer."""
    return user.is_active and user.is_superuser


def require(reason: str | None) -> None:
    """Raise NotAllowed with the reason a why_not_… policy gave, if it gave one."""
    if reason:
        raise NotAllowed(reason)


def can_submit(user, decision: Decision) -> bool:
    """The drafting officer (or an administrator) submits their own draft."""
    return can_edit_draft(user, decision)


def _why_not_sign(user, decision: Decision, signoffs) -> str | None:
    if decision.drafting_officer_id == user.pk:
        return "You drafted this record, so you cannot sign it off."
    mine = next((s for s in signoffs if s.user_id == user.pk), None)
    if mine is not None:
        return (
            f"You have already signed off this record as {mine.get_role_display()}: "
            "one person holds one role on a record."
        )
    return None


def why_not_confirm(user, decision: Decision, kind: str, signoffs) -> str | None:
    """Why this user may not confirm this declaration line now, or None if they may."""
    line = CLEARANCE_LINES[kind]
    if not user.is_authenticated or not user.has_perm(line.permission):
        return f"Only {line.role.label} confirms the {line.kind.label} line."
    if decision.status != Decision.Status.CLEARANCE:
        return "This record is not at clearance."
    done = next((s for s in signoffs if s.kind == "clearance" and s.declaration_kind == kind), None)
    if done is not None:
        return f"{done.name_as_signed} has already confirmed the {line.kind.label} line."
    return _why_not_sign(user, decision, signoffs)


def why_not_sign_chief_executive(user, decision: Decision, signoffs) -> str | None:
    if not user.is_authenticated or not user.has_perm("decisions.sign_chief_executive"):
        return "Only the Chief Executive signs this statement."
    if decision.status != Decision.Status.CHIEF_EXECUTIVE:
        return "This record is not waiting for the Chief Executive."
    return _why_not_sign(user, decision, signoffs)


def why_not_decide(user, decision: Decision, signoffs) -> str | None:
    permission = DECIDING_PERMISSIONS.get(decision.decision_maker)
    if not user.is_authenticated or permission is None or not user.has_perm(permission):
        return f"Only the {decision.get_decision_maker_display() or 'decision maker'} decides this record."
    if decision.status != Decision.Status.DECISION_MAKER:
        return "This record is not waiting for a decision."
    return _why_not_sign(user, decision, signoffs)


def is_reviewer(user) -> bool:
    return user.is_authenticated and any(user.has_perm(p) for p in REVIEWING_PERMISSIONS)


def why_not_return(user, decision: Decision) -> str | None:
    """Any reviewer may send a record under review back to its drafting officer."""
    if not is_reviewer(user):
        return "Only the advisers, the Chief Executive and the decision makers return records."
    if decision.status not in UNDER_REVIEW:
        return "Only a record under review can be returned."
    if decision.drafting_officer_id == user.pk:
        return "You drafted this record: change it by editing the draft instead."
    return None


def reviewing_role(user, decision: Decision) -> str:
    """The role a reviewer acts in on this record: the one its current step needs, if held."""
    if decision.status == Decision.Status.DECISION_MAKER:
        permission = DECIDING_PERMISSIONS.get(decision.decision_maker)
        if permission and user.has_perm(permission):
            return DECIDING_ROLES[decision.decision_maker]
    if user.has_perm("decisions.sign_chief_executive"):
        return Role.CHIEF_EXECUTIVE
    for line in CLEARANCE_LINES.values():
        if user.has_perm(line.permission):
            return line.role
    for maker, permission in DECIDING_PERMISSIONS.items():
        if user.has_perm(permission):
            return DECIDING_ROLES[maker]
    return ""
