"""Object-level permission rules: pure functions of a user and a record.

Views, templates (through their context) and services all ask these, so a rule
is decided in one place. Role permissions (held through Groups) gate the views
first; these decide about one record. Each step of the workflow has its why_not_…
rule (named beside it in approvals.workflow.TRANSITIONS): the reason this user may
not take it now, or None if they may. The drafting and reading rules are in
decisions.policies, which these build on.
"""

import datetime

from django.db.models import Q

from accounts.models import User
from core.errors import NotAllowed
from core.roles import ROLE_GROUP_NAMES, Role
from decisions.models import Decision, Office
from decisions.policies import can_edit_draft, can_view_decisions

from .clearance import CLEARANCE_LINES, form_line_kinds
from .models import OFFICE_HOLDER, SignOff

Status = Decision.Status

# Offices are data (decisions.models.Office): a member of an office's group decides for
# it while holding DECIDING_PERMISSION, and signs the statement that precedes another
# office's decision while holding STATEMENT_PERMISSION. Only a superuser grants either.
DECIDING_PERMISSION = "decisions.take_decisions"
STATEMENT_PERMISSION = "decisions.sign_chief_executive"
REVIEWING_PERMISSIONS = [
    *(line.permission for line in CLEARANCE_LINES.values()),
    STATEMENT_PERMISSION,
    DECIDING_PERMISSION,
]
# Every permission that lets its holder sign: only a superuser grants these, on any
# admin form, or puts someone in a group that holds one (approvals.admin).
SIGNING_PERMISSIONS: frozenset[str] = frozenset(REVIEWING_PERMISSIONS)
UNDER_REVIEW = {Status.CLEARANCE, Status.CHIEF_EXECUTIVE, Status.DECISION_MAKER}
# What the public may read: published records, and withdrawn ones (with a notice).
ON_REGISTER = (Status.PUBLISHED, Status.WITHDRAWN)


def may_grant_signing(user: User) -> bool:
    """Whether `user` may give signing permissions, or the groups and accounts that
    hold them: a superuser only, so no administrator can make anyone a signer."""
    return user.is_active and user.is_superuser


def group_ids(user: User) -> frozenset[int]:
    """The ids of the user's groups, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_group_ids_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("pk", flat=True))
        user._group_ids_cache = cached
    return cached


def holds_office(
    user: User, office: Office | None, *, permission: str = DECIDING_PERMISSION
) -> bool:
    """Whether the user holds this office: an active member of its group, holding the
    permission of the step (DECIDING_PERMISSION, or STATEMENT_PERMISSION)."""
    return (
        office is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(permission)
        and office.group_id in group_ids(user)
    )


def statement_office(decision: Decision) -> Office | None:
    """The office that signs a statement before this record's decision maker decides
    (the Chief Executive before the DMPC), or None when no statement precedes it."""
    # A null foreign key reads as None without a query.
    maker = decision.decision_maker
    return maker.statement_by if maker is not None else None


def role_for_office(office: Office) -> str:
    """The role in which an office holder signs: the role whose group holds the office
    where there is one (the policing office's DMPC), else "decision maker"."""
    for role, name in ROLE_GROUP_NAMES.items():
        if office.group.name == name:
            return role
    return OFFICE_HOLDER


def require(reason: str | None) -> None:
    """Raise NotAllowed with the reason a why_not_… policy gave, if it gave one."""
    if reason:
        raise NotAllowed(reason)


# Submission and the steps of review.


def can_submit(user: User, decision: Decision) -> bool:
    """The drafting officer (or an administrator) submits their own draft."""
    return can_edit_draft(user, decision)


def why_not_submit(user: User, decision: Decision) -> str | None:
    """Why this user may not submit this record now (see can_submit), or None if they may."""
    if not can_submit(user, decision):
        return "Only the drafting officer of this draft can submit it."
    return None


def _why_not_sign(user: User, decision: Decision, signoffs: list[SignOff]) -> str | None:
    if decision.drafting_officer_id == user.pk:
        return "You drafted this record, so you cannot sign it off."
    mine = next((s for s in signoffs if s.user_id == user.pk), None)
    if mine is not None:
        return (
            f"You have already signed off this record as {mine.get_role_display()}: "
            "one person holds one role on a record."
        )
    return None


def why_not_confirm(
    user: User, decision: Decision, kind: str, signoffs: list[SignOff]
) -> str | None:
    """Why this user may not confirm this declaration line now, or None if they may."""
    line = CLEARANCE_LINES[kind]
    if kind not in form_line_kinds(decision):
        return f"This record's form has no {line.kind.label} line."
    if not user.is_authenticated or not user.has_perm(line.permission):
        return f"Only {line.role.label} confirms the {line.kind.label} line."
    if decision.status != Status.CLEARANCE:
        return "This record is not at clearance."
    done = next((s for s in signoffs if s.kind == "clearance" and s.declaration_kind == kind), None)
    if done is not None:
        return f"{done.name_as_signed} has already confirmed the {line.kind.label} line."
    return _why_not_sign(user, decision, signoffs)


def why_not_sign_chief_executive(
    user: User, decision: Decision, signoffs: list[SignOff]
) -> str | None:
    """Why this user may not sign the statement that precedes the decision now (the Chief
    Executive's, before the DMPC decides), or None if they may."""
    office = statement_office(decision)
    if not holds_office(user, office, permission=STATEMENT_PERMISSION):
        who = f"the {office.title}" if office else "the office that precedes the decision"
        return f"Only {who} signs this statement."
    if decision.status != Status.CHIEF_EXECUTIVE:
        return f"This record is not waiting for the {office.title}."
    return _why_not_sign(user, decision, signoffs)


def why_not_decide(user: User, decision: Decision, signoffs: list[SignOff]) -> str | None:
    """Why this user may not take the decision on this record now, or None if they may."""
    office = decision.decision_maker
    if not holds_office(user, office):
        return f"Only the {decision.decision_maker_title or 'decision maker'} decides this record."
    if decision.status != Status.DECISION_MAKER:
        return "This record is not waiting for a decision."
    return _why_not_sign(user, decision, signoffs)


def why_not_pass_back(user: User, decision: Decision, signoffs: list[SignOff]) -> str | None:
    """Why this user may not pass this record back on a declared interest, or None.

    Only the one who would decide it may: the rule of why_not_decide. (Any reviewer
    may return a record, why_not_return; passing back is the decision maker's.)
    """
    return why_not_decide(user, decision, signoffs)


def referring_office(user: User, decision: Decision) -> Office | None:
    """The office this user may refer the record up from, or None: the office that signs
    the statement before the decision, while the record waits for it; the decision maker,
    while the record waits for its decision."""
    if decision.status == Status.CHIEF_EXECUTIVE:
        stating = statement_office(decision)
        if holds_office(user, stating, permission=STATEMENT_PERMISSION):
            return stating
    if decision.status == Status.DECISION_MAKER and decision.decision_maker_id:
        if holds_office(user, decision.decision_maker):
            return decision.decision_maker
    return None


def why_not_refer_up(user: User, decision: Decision, higher: list[Office]) -> str | None:
    """Why this user may not refer this record up to a higher office now, or None if they
    may. `higher`: the offices it could go to (selectors.higher_offices)."""
    if decision.status == Status.CHIEF_EXECUTIVE:
        office = statement_office(decision)
    elif decision.status == Status.DECISION_MAKER:
        office = decision.decision_maker
    else:
        return "Only a record waiting for a statement or a decision can be referred up."
    if referring_office(user, decision) is None:
        who = f"the {office.title}" if office else "the office it waits for"
        return f"Only {who} can refer this record up."
    if decision.drafting_officer_id == user.pk:
        return "You drafted this record, so you cannot refer it up."
    if not higher:
        return "No higher office of this body takes decisions on this record's form."
    return None


def drafting_side_role(user: User, decision: Decision) -> str:
    """The role in which someone acts on a record from the drafting side (submitting,
    extending its deferral): its drafting officer, or else an administrator."""
    return Role.DRAFTING_OFFICER if decision.drafting_officer_id == user.pk else Role.ADMINISTRATOR


def can_see_undelivered_mail(user: User, decision: Decision) -> bool:
    """Mail about a record that was not delivered is shown to its drafting officer and to
    administrators (those who may edit any draft), who can tell the people concerned."""
    return decision.drafting_officer_id == user.pk or user.has_perm("decisions.edit_any_draft")


def is_reviewer(user: User) -> bool:
    """Whether the user holds any reviewing role: an adviser, the Chief Executive, a decider."""
    return user.is_authenticated and any(user.has_perm(p) for p in REVIEWING_PERMISSIONS)


def why_not_return(user: User, decision: Decision) -> str | None:
    """Any reviewer on the record's route (its advisers, the office that signs a statement
    before its decision, its decision maker) may send it, under review, back to its drafting
    officer: never an office holder of another body, or of an office it does not go to."""
    if not is_reviewer(user):
        return "Only the advisers, the Chief Executive and the decision makers return records."
    if decision.status not in UNDER_REVIEW:
        return "Only a record under review can be returned."
    if decision.drafting_officer_id == user.pk:
        return "You drafted this record: change it by editing the draft instead."
    if not any(is_actor(user, actor) for actor in route_reviewers(decision)):
        return "Only this record's advisers, and the offices it goes to, return it."
    return None


def reviewing_role(user: User, decision: Decision) -> str:
    """The role a reviewer acts in on this record: the one its current step needs, if held."""
    maker = decision.decision_maker
    if decision.status == Status.DECISION_MAKER and holds_office(user, maker):
        return role_for_office(maker)
    stating = statement_office(decision)
    if holds_office(user, stating, permission=STATEMENT_PERMISSION):
        return role_for_office(stating)
    for line in CLEARANCE_LINES.values():
        if user.has_perm(line.permission):
            return line.role
    if holds_office(user, maker):
        return role_for_office(maker)
    # Another office the user holds (the highest), in its own role: never another body's.
    if user.has_perm(STATEMENT_PERMISSION) or user.has_perm(DECIDING_PERMISSION):
        held = (
            Office.objects.filter(group__in=group_ids(user))
            .select_related("group")
            .order_by("-rank", "pk")
            .first()
        )
        return role_for_office(held) if held is not None else OFFICE_HOLDER
    return ""


# Who acts on a record: (permission, office) pairs. An office says the holder must also be a
# member of that office's group (holds_office); None, that the permission is enough.
Actor = tuple[str, Office | None]


def next_actors(decision: Decision) -> list[Actor]:
    """Whoever acts next on a record at its current stage (none once it has left review).
    Expects the record's declaration lines current."""
    if decision.status == Status.CLEARANCE:
        ticked = {line.kind for line in decision.declaration_lines.all() if line.ticked}
        return [
            (CLEARANCE_LINES[kind].permission, None)
            for kind in form_line_kinds(decision)
            if kind not in ticked
        ]
    if decision.status == Status.CHIEF_EXECUTIVE:
        return [(STATEMENT_PERMISSION, statement_office(decision))]
    if decision.status == Status.DECISION_MAKER and decision.decision_maker_id:
        return [(DECIDING_PERMISSION, decision.decision_maker)]
    return []


# Reading: who may open a record, and its workings.


def route_reviewers(decision: Decision) -> list[Actor]:
    """Everyone who may act on this record at some stage of its route: each clearance
    line's signer, the office that signs a statement before the decision (if one does)
    and its decision maker's office.

    No one for a draft never submitted: until its officer submits it, a draft is theirs
    alone, and it has no route yet. Once submitted it keeps its reviewers, returned to
    draft or not: a reviewer who read it, or returned it, reads it again before signing
    anew.
    """
    if decision.submitted_at is None and decision.status == Status.DRAFT:
        return []
    actors: list[Actor] = [
        (CLEARANCE_LINES[kind].permission, None) for kind in form_line_kinds(decision)
    ]
    stating = statement_office(decision)
    if stating is not None:
        actors.append((STATEMENT_PERMISSION, stating))
    if decision.decision_maker_id:
        actors.append((DECIDING_PERMISSION, decision.decision_maker))
    return actors


def is_actor(user: User, actor: Actor) -> bool:
    permission, office = actor
    if office is None:
        return user.has_perm(permission)
    return holds_office(user, office, permission=permission)


def can_read_workings(user: User, decision: Decision) -> bool:
    """Whether this user may read the record's workings at any status: the draft and its
    preview PDF, the history (every version and action), the background papers.

    Its own drafting officer, administrators (decisions.edit_any_draft), and its reviewers
    on the route (route_reviewers) may; no one else, published or not: the
    register publishes Part 1 and its PDF, never the drafts, the history or the papers (no
    page offers papers to all staff). Views answer 404 to anyone else, as to a record that
    does not exist, so its existence is not told. decisions.policies asks this through
    the permission system (READ_WORKINGS, approvals.backends).
    """
    if not can_view_decisions(user):
        return False
    if decision.drafting_officer_id == user.pk or user.has_perm("decisions.edit_any_draft"):
        return True
    return any(is_actor(user, actor) for actor in route_reviewers(decision))


def can_read_record(user: User, decision: Decision) -> bool:
    """Whether this user may open the record's staff page: those who may read its workings
    (can_read_workings), and once it is on the register (published, or withdrawn with
    its notice) every member of staff, who then reads Part 1 as published (Part 2 stays
    with decisions.policies.can_view_part_two). Anyone else gets a 404 and does not see
    the record listed. decisions.policies asks this through READ_RECORD.
    """
    return can_view_decisions(user) and (
        is_on_register(decision) or can_read_workings(user, decision)
    )


# Publication: the application publishes; people extend a deferral or withdraw.


def why_not_publish(decision: Decision, *, today: datetime.date) -> str | None:
    """Why the application may not publish this record's Part 1 on this date, or None.

    An approved record is published at once, or on the date its publication was
    deferred to. publication_due_filter asks the same of the database.
    """
    if decision.status != Status.APPROVED:
        return "Only an approved record is published."
    if decision.part1_deferred and (
        decision.deferred_until is None or decision.deferred_until > today
    ):
        return "Publication of this record is deferred."
    return None


def publication_due_filter(*, today: datetime.date) -> Q:
    """Approved records whose Part 1 may be published on this date (why_not_publish)."""
    return Q(status=Status.APPROVED) & (Q(part1_deferred=False) | Q(deferred_until__lte=today))


def reminder_due_filter(*, today: datetime.date, days: int) -> Q:
    """Approved deferred records whose date falls within `days`, not yet reminded.

    A record whose date has come is due for publication instead, so it is not reminded.
    """
    return Q(
        status=Status.APPROVED,
        part1_deferred=True,
        deferred_until__gt=today,
        deferred_until__lte=today + datetime.timedelta(days=days),
        deferral_reminded_at__isnull=True,
    )


def on_register_filter(*, prefix: str = "") -> Q:
    """The records on the public register (ON_REGISTER), as a filter; prefix is the path
    to the record ("decisions__") when filtering another model."""
    return Q(**{f"{prefix}status__in": ON_REGISTER})


def is_on_register(decision: Decision) -> bool:
    """Whether the record is on the public register: published, or withdrawn with a notice."""
    return decision.status in ON_REGISTER


def is_withdrawn(decision: Decision) -> bool:
    """Whether the record was withdrawn from the register (its page stays, with a notice)."""
    return decision.status == Status.WITHDRAWN


def has_publication(decision: Decision) -> bool:
    """Whether the record is approved, so that its publication has a state to show."""
    return decision.status == Status.APPROVED or is_on_register(decision)


def why_not_extend_deferral(user: User, decision: Decision) -> str | None:
    """Why this user may not extend the deferral of this record's publication, or None.

    The record's own drafting officer (still holding decisions.draft_decision) and
    administrators (decisions.edit_any_draft) may, while the record is approved,
    deferred and not yet published.
    """
    if not user.is_authenticated:
        return "Sign in to extend a deferral."
    is_drafter = decision.drafting_officer_id == user.pk and user.has_perm(
        "decisions.draft_decision"
    )
    if not (is_drafter or user.has_perm("decisions.edit_any_draft")):
        return (
            "Only the drafting officer of this record or an administrator can extend its deferral."
        )
    if is_on_register(decision):
        return "This record has been published: its deferral can no longer be extended."
    if decision.status != Status.APPROVED:
        return "Only the deferral of an approved record can be extended."
    if not decision.part1_deferred:
        return "Publication of this record is not deferred."
    return None


def can_extend_deferral(user: User, decision: Decision) -> bool:
    """Whether this user may extend the deferral of this record now (why_not_extend_deferral)."""
    return why_not_extend_deferral(user, decision) is None


def why_not_withdraw(user: User, decision: Decision) -> str | None:
    """Why this user may not withdraw this record, or None.

    Administrators (decisions.withdraw_decision) withdraw published records.
    """
    if not user.is_authenticated or not user.has_perm("decisions.withdraw_decision"):
        return "Only an administrator can withdraw a published record."
    if is_withdrawn(decision):
        return "This record has already been withdrawn."
    if decision.status != Status.PUBLISHED:
        return "Only a published record can be withdrawn."
    return None


def can_withdraw(user: User, decision: Decision) -> bool:
    """Whether this user may withdraw this record now (why_not_withdraw)."""
    return why_not_withdraw(user, decision) is None
