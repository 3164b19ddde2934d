"""The life cycle of a record in one table, and the one way a service moves a record along it.

TRANSITIONS lists every move: from which status, by which verb (the Action it
writes), to which status, and the policy (approvals.policies) that decides who may
make it. A verb that keeps the status (extending a deferral) is a move too. The
services call the policy first, then transition(), which refuses any move not in
the table and writes the new version and its Action in the caller's transaction.

Publication failures and deferral reminders are not moves: they write an Action
(record_action) and change no status and no version.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.errors import DomainError
from core.locking import save_new_version
from decisions.canonical import decision_content_hash
from decisions.models import Decision

from . import policies
from .clearance import form_line_kinds
from .models import Action, ApprovalCycle, SignOff

Status = Decision.Status
Verb = Action.Verb


@dataclass(frozen=True)
class Transition:
    source: str
    verb: str
    target: str
    # The why_not_… rule of approvals.policies that decides who may make the move, and when.
    policy: Callable[..., str | None]

    @property
    def changes_status(self) -> bool:
        return self.source != self.target


def _moves(
    froms: Iterable[str], verb: str, tos: Iterable[str], policy: Callable[..., str | None]
) -> list[Transition]:
    return [Transition(source, verb, target, policy) for source in froms for target in tos]


# A record goes to the first stage whose sign-offs are missing (next_stage): on
# resubmission of unchanged content, the sign-offs still standing are not asked again.
STAGES = (Status.CLEARANCE, Status.CHIEF_EXECUTIVE, Status.DECISION_MAKER)

TRANSITIONS: tuple[Transition, ...] = (
    *_moves([Status.DRAFT], Verb.SUBMITTED, STAGES, policies.why_not_submit),
    *_moves([Status.CLEARANCE], Verb.CONFIRMED, STAGES, policies.why_not_confirm),
    Transition(
        Status.CHIEF_EXECUTIVE,
        Verb.CHIEF_EXECUTIVE_SIGNED,
        Status.DECISION_MAKER,
        policies.why_not_sign_chief_executive,
    ),
    Transition(Status.DECISION_MAKER, Verb.APPROVED, Status.APPROVED, policies.why_not_decide),
    Transition(
        Status.DECISION_MAKER, Verb.NOT_APPROVED, Status.NOT_APPROVED, policies.why_not_decide
    ),
    Transition(Status.DECISION_MAKER, Verb.PASSED_BACK, Status.DRAFT, policies.why_not_pass_back),
    # A referral names a new decision maker, which every sign-off signed for (it is signed
    # content): none stands after it, so the record goes back to clearance (next_stage).
    *_moves(
        [Status.CHIEF_EXECUTIVE, Status.DECISION_MAKER],
        Verb.REFERRED_UP,
        [Status.CLEARANCE],
        policies.why_not_refer_up,
    ),
    *_moves(STAGES, Verb.RETURNED, [Status.DRAFT], policies.why_not_return),
    Transition(Status.APPROVED, Verb.PUBLISHED, Status.PUBLISHED, policies.why_not_publish),
    Transition(
        Status.APPROVED,
        Verb.DEFERRAL_EXTENDED,
        Status.APPROVED,
        policies.why_not_extend_deferral,
    ),
    Transition(Status.PUBLISHED, Verb.WITHDRAWN, Status.WITHDRAWN, policies.why_not_withdraw),
)


def targets(*, source: str, verb: str) -> list[str]:
    """The statuses this verb may take a record to from this status (none: not allowed)."""
    return [t.target for t in TRANSITIONS if t.source == source and t.verb == verb]


def sources(verb: str) -> list[str]:
    """The statuses a record waits in for this verb."""
    return list(dict.fromkeys(t.source for t in TRANSITIONS if t.verb == verb))


def waiting_for(verb: str) -> Q:
    """Records in a status this verb is taken from: for the work queues."""
    return Q(status__in=sources(verb))


def next_stage(*, decision: Decision, signoffs: list[SignOff]) -> str:
    """Where a submitted record stands, from the sign-offs that still stand on it and were
    given on its content as it is now."""
    current = decision_content_hash(decision=decision)
    signoffs = [s for s in signoffs if s.content_hash == current]
    confirmed = {s.declaration_kind for s in signoffs if s.kind == SignOff.Kind.CLEARANCE}
    if any(kind not in confirmed for kind in form_line_kinds(decision)):
        return Status.CLEARANCE
    needs_statement = policies.statement_office(decision) is not None
    if needs_statement and not any(s.kind == SignOff.Kind.CHIEF_EXECUTIVE for s in signoffs):
        return Status.CHIEF_EXECUTIVE
    return Status.DECISION_MAKER


def record_action(
    *,
    decision: Decision,
    verb: str,
    actor: User | None,
    now: datetime.datetime,
    cycle: ApprovalCycle | None = None,
    role: str = "",
    rule: str = "",
    detail: str = "",
) -> Action:
    """Write one entry of the action log. actor None: the application acted by itself."""
    action = Action(
        decision=decision,
        cycle=cycle,
        verb=verb,
        actor=actor,
        role=role,
        at=now,
        rule=rule,
        detail=detail,
    )
    action._history_user = actor
    action.save()
    return action


def transition(
    *,
    decision: Decision,
    verb: str,
    user: User | None,
    reason: str,
    fields: list[str] | tuple[str, ...] = (),
    to: str | None = None,
    now: datetime.datetime | None = None,
    **action_fields: object,
) -> Transition:
    """Move the record by this verb (to `to`, where the verb may lead to several statuses),
    save it as its next version with `fields`, and write the verb's Action. Returns the move.

    Call while holding the record's row lock, in the transaction of the change, after
    asking the move's policy. Raises DomainError if the move is not in TRANSITIONS.
    action_fields go to the Action (cycle, role, rule, detail).
    """
    allowed = [t for t in TRANSITIONS if t.source == decision.status and t.verb == verb]
    if to is None and len(allowed) == 1:
        to = allowed[0].target
    move = next((t for t in allowed if t.target == to), None)
    if move is None:
        raise DomainError(
            f"A record that is {Status(decision.status).label.lower()} cannot be "
            f"{Verb(verb).label.lower()}."
        )
    fields = list(fields)
    if move.changes_status:
        decision.status = move.target
        fields.append("status")
    save_new_version(decision, user=user, reason=reason, fields=fields)
    record_action(
        decision=decision, verb=verb, actor=user, now=now or timezone.now(), **action_fields
    )
    return move
