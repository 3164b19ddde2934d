"""The workflow: submission, clearance, the Chief Executive, the decision, returns.

One service per transition, each in its own transaction (there is no
transaction per request). Each locks the record's row, in the one lock order of
decisions.locking, checks the version the user's page was loaded from (a clearance
line: the content read) so that a double-submitted form acts once and the slower
of two people is told what happened, asks the step's rule in approvals.policies
once, and moves the record with approvals.workflow.transition, which refuses a
move not in TRANSITIONS and writes the new version and its Action in the same
transaction. Mail goes only once that transaction has committed.

`now` exists for loading historical records (the demo data); callers leave it out.
"""

import datetime
import logging

from django.contrib.auth.hashers import check_password
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.errors import DomainError, StaleRecord, WrongPassword
from decisions.canonical import decision_content_hash
from decisions.locking import decision_lock, decision_lock_content, stale_record
from decisions.models import (
    Decision,
    DeclarationLine,
    EscalationFlag,
    RecordFlag,
    ReferenceSeries,
)
from decisions.part_one_size import part_one_too_large

from . import notifications, policies
from .clearance import CLEARANCE_LINES, form_line, form_line_kinds
from .models import Action, ApprovalCycle, SignOff
from .routing import ROUTE_FIELDS, NoRuleApplies, route_decision
from .selectors import form_type_following, form_type_mismatch, higher_offices, scheme_in_force
from .tasks import enqueue_after_commit, publish_decision
from .workflow import next_stage, record_action, transition

logger = logging.getLogger(__name__)


def _standing_signoffs(decision: Decision) -> list[SignOff]:
    return list(decision.signoffs.filter(voided_at__isnull=True).select_related("user"))


def _check_password(user: User, password: str) -> None:
    if not password or not check_password(password, user.password):
        logger.warning("Wrong signing password for user %s", user.pk)
        raise WrongPassword("The password is not correct. Enter your own password to sign")


def _open_cycle(decision: Decision) -> ApprovalCycle | None:
    return decision.cycles.filter(outcome=ApprovalCycle.Outcome.OPEN).first()


def _close_cycle(
    cycle: ApprovalCycle | None, outcome: str, *, user: User, now: datetime.datetime
) -> None:
    if cycle is not None:
        cycle.outcome = outcome
        cycle.closed_at = now
        cycle._history_user = user
        cycle.save(update_fields=["outcome", "closed_at"])


def _signoff(
    *,
    decision: Decision,
    cycle: ApprovalCycle | None,
    user: User,
    now: datetime.datetime,
    **fields: object,
) -> SignOff:
    signoff = SignOff(
        decision=decision,
        cycle=cycle,
        user=user,
        name_as_signed=user.get_full_name() or user.username,
        signed_at=now,
        content_hash=decision_content_hash(decision=decision),
        **fields,
    )
    signoff._history_user = user
    try:
        with transaction.atomic():
            signoff.save()
    except IntegrityError:
        # The constraints of SignOff: someone signed this step, or this person
        # signed another role, in a transaction that committed first.
        raise DomainError("This step has just been signed off by someone else.") from None
    return signoff


def submission_gaps(*, decision: Decision) -> list[str]:
    """What must be filled in before a draft can be submitted, in the words of the task list."""
    gaps = []
    if not decision.executive_summary:
        gaps.append("Title and executive summary")
    if not decision.recommendations.exists():
        gaps.append("Recommendations")
    if not decision.publication_answered:
        gaps.append("Publication and Part 2")
    set_flags = [code for code in RecordFlag.values if getattr(decision, code)]
    justified = decision.flag_justifications or {}
    if EscalationFlag.objects.filter(
        organisation_id=decision.form_type.organisation_id,
        code__in=[code for code in set_flags if not justified.get(code)],
        requires_justification=True,
    ).exists():
        gaps.append("Reserved and significant matters")
    if not decision.declaration_lines.filter(
        kind=DeclarationLine.Kind.DRAFTING_OFFICER, ticked=True
    ).exists():
        gaps.append("Your declaration")
    return gaps


def decision_submit(
    *, decision_id: int, user: User, lock_version: int, now: datetime.datetime | None = None
) -> Decision:
    """Submit a draft for clearance: route it under the scheme in force and freeze the route,
    give it the next reference number of its series (first submission only), open a cycle."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, lock_version=lock_version, user=user)
        policies.require(policies.why_not_submit(user, decision))
        gaps = submission_gaps(decision=decision)
        if gaps:
            raise DomainError("Complete these sections before submitting: " + ", ".join(gaps) + ".")
        # Never a Part 1 too large to render in time (the view's trial render is the other check).
        if too_large := part_one_too_large(decision):
            raise DomainError(too_large)
        organisation = decision.form_type.organisation
        scheme = scheme_in_force(organisation_id=organisation.pk, on=timezone.localdate(now))
        if scheme is None:
            raise DomainError(
                f"No scheme of delegation of {organisation.name} is in force. Ask an administrator."
            )
        try:
            route = route_decision(decision=decision, scheme=scheme)
        except NoRuleApplies as error:
            raise DomainError(str(error)) from None
        fields = [*ROUTE_FIELDS, "submitted_at"]
        if mismatch := form_type_mismatch(decision=decision, office=route.decision_maker):
            following = form_type_following(decision=decision, office=route.decision_maker)
            if following is None:
                raise DomainError(mismatch)
            # The form follows the route: the same series, so the same numbering.
            decision.form_type = following
            fields.append("form_type")
        if decision.number is None:
            # The series row is locked too: concurrent submissions queue here and
            # each takes the next number; a number is never given twice.
            series = ReferenceSeries.objects.select_for_update().get(pk=decision.series_id)
            highest = series.decisions.aggregate(highest=Max("number"))["highest"] or 0
            # Never a number given before, even if the series was set back by hand.
            decision.number = max(series.next_number, highest + 1)
            series.next_number = decision.number + 1
            series._history_user = user
            series.save(update_fields=["next_number"])
            fields.append("number")
        for kind in form_line_kinds(decision):
            DeclarationLine.objects.get_or_create(
                decision=decision, kind=kind, defaults={"statement": "", "ticked": False}
            )
        route.freeze_on(decision)
        decision.submitted_at = now
        # A new route is new content: what was signed for the old one no longer stands.
        signoffs_void_stale(decision=decision, user=user, now=now)
        cycle = ApprovalCycle(decision=decision, opened_at=now)
        cycle._history_user = user
        cycle.save()
        transition(
            decision=decision,
            verb=Action.Verb.SUBMITTED,
            to=next_stage(decision=decision, signoffs=_standing_signoffs(decision)),
            user=user,
            reason="Submitted for clearance",
            fields=fields,
            now=now,
            cycle=cycle,
            role=policies.drafting_side_role(user, decision),
            rule=decision.route_reason,
        )
        notifications.notify_next(decision=decision)
    return decision


def clearance_confirm(
    *,
    decision_id: int,
    user: User,
    content_hash: str,
    kind: str,
    statement: str,
    password: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """Confirm one line of the Originating Officer Declaration, choosing its statement.

    The lines are independent: the page carries the hash of the content the adviser
    read (decisions.canonical), not the record's version, so advisers confirming
    different lines at the same moment all succeed, one after another on the record's
    row lock, and the last moves the record on. The page is stale (409) if the content
    changed since, or if someone confirmed this same line in the meantime.
    """
    now = now or timezone.now()
    with transaction.atomic():
        decision = decision_lock_content(
            decision_id=decision_id, user=user, content_hash=content_hash
        )
        line = CLEARANCE_LINES.get(kind)
        if line is None or form_line(decision, kind) is None:
            raise DomainError("There is no such line of the declaration on this record's form.")
        signoffs = _standing_signoffs(decision)
        if user.has_perm(line.permission):
            # The page was loaded at clearance, with the line open: if either changed
            # since, the page is stale (the form sent twice, or someone acted).
            done = next((s for s in signoffs if s.declaration_kind == kind), None)
            if done is not None:
                raise StaleRecord(
                    changed_by="You" if done.user_id == user.pk else done.name_as_signed,
                    changed_at=timezone.localtime(done.signed_at),
                )
            if decision.status != Decision.Status.CLEARANCE and decision.submitted_at:
                raise stale_record(decision=decision, user=user)
        policies.require(policies.why_not_confirm(user, decision, kind, signoffs))
        if statement not in form_line(decision, kind).options:
            raise DomainError("Choose one of the statements of this line.")
        _check_password(user, password)
        cycle = _open_cycle(decision)
        signoff = _signoff(
            decision=decision,
            cycle=cycle,
            user=user,
            now=now,
            kind=SignOff.Kind.CLEARANCE,
            declaration_kind=kind,
            role=line.role,
            statement=statement,
            outcome=SignOff.Outcome.CONFIRMED,
        )
        declaration_line = DeclarationLine.objects.get(decision=decision, kind=kind)
        declaration_line.statement, declaration_line.ticked = statement, True
        declaration_line._history_user = user
        declaration_line.save(update_fields=["statement", "ticked"])
        move = transition(
            decision=decision,
            verb=Action.Verb.CONFIRMED,
            to=next_stage(decision=decision, signoffs=[*signoffs, signoff]),
            user=user,
            reason=f"{line.kind.label} confirmed",
            now=now,
            cycle=cycle,
            role=line.role,
            detail=f"{line.kind.label}: {statement}",
        )
        if move.changes_status:
            notifications.notify_next(decision=decision)
    return decision


def chief_executive_sign(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    password: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """The Chief Executive's statement that advice was taken and the request is fit to submit."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, lock_version=lock_version, user=user)
        signoffs = _standing_signoffs(decision)
        policies.require(policies.why_not_sign_chief_executive(user, decision, signoffs))
        _check_password(user, password)
        cycle = _open_cycle(decision)
        stating = policies.statement_office(decision)
        statement = stating.statement_for(decision.decision_maker)
        role = policies.role_for_office(stating)
        signoff = _signoff(
            decision=decision,
            cycle=cycle,
            user=user,
            now=now,
            kind=SignOff.Kind.CHIEF_EXECUTIVE,
            role=role,
            statement=statement,
            outcome=SignOff.Outcome.CONFIRMED,
        )
        transition(
            decision=decision,
            verb=Action.Verb.CHIEF_EXECUTIVE_SIGNED,
            to=next_stage(decision=decision, signoffs=[*signoffs, signoff]),
            user=user,
            reason=f"{stating.title} signed the statement",
            now=now,
            cycle=cycle,
            role=role,
        )
        notifications.notify_next(decision=decision)
    return decision


def decision_take(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    password: str,
    approve: bool,
    interests: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Decision:
    """The decision maker's declaration of interests and decision, signed and dated."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, lock_version=lock_version, user=user)
        signoffs = _standing_signoffs(decision)
        policies.require(policies.why_not_decide(user, decision, signoffs))
        if not approve and not reason.strip():
            raise DomainError("Give the reason for not approving.")
        _check_password(user, password)
        office = decision.decision_maker
        role = policies.role_for_office(office)
        cycle = _open_cycle(decision)
        _signoff(
            decision=decision,
            cycle=cycle,
            user=user,
            now=now,
            kind=SignOff.Kind.DECISION,
            role=role,
            statement=office.approval_statement if approve else office.refusal_statement,
            interests=interests.strip(),
            reason=reason.strip(),
            outcome=SignOff.Outcome.APPROVED if approve else SignOff.Outcome.NOT_APPROVED,
        )
        decision.decided_at = now
        if approve:
            # Committed with the approval, so the publication is never lost (publication.py).
            decision.publication_state = Decision.PublicationState.PENDING
        _close_cycle(
            cycle,
            ApprovalCycle.Outcome.APPROVED if approve else ApprovalCycle.Outcome.NOT_APPROVED,
            user=user,
            now=now,
        )
        transition(
            decision=decision,
            verb=Action.Verb.APPROVED if approve else Action.Verb.NOT_APPROVED,
            user=user,
            reason="Approved" if approve else "Not approved",
            fields=["decided_at", "publication_state"],
            now=now,
            cycle=cycle,
            role=role,
            rule=decision.route_reason,
            detail=reason.strip()
            or (f"Interests: {interests.strip()}" if interests.strip() else ""),
        )
        notifications.notify_decided(decision=decision)
        if approve:
            # Publication is its own work: a rendering failure never undoes the approval.
            # If it cannot be queued, the record stays pending for publish_due.
            enqueue_after_commit(publish_decision, decision.pk)
    return decision


def decision_return(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """Send a submitted record back to its drafting officer, with the reason."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError("Give the reason for returning the record.")
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, lock_version=lock_version, user=user)
        policies.require(policies.why_not_return(user, decision))
        role = policies.reviewing_role(user, decision)
        cycle = _open_cycle(decision)
        _close_cycle(cycle, ApprovalCycle.Outcome.RETURNED, user=user, now=now)
        transition(
            decision=decision,
            verb=Action.Verb.RETURNED,
            user=user,
            reason="Returned to the drafting officer",
            now=now,
            cycle=cycle,
            role=role,
            detail=reason.strip(),
        )
        notifications.notify_returned(decision=decision, reason=reason.strip(), by=user)
    return decision


def decision_pass_back(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    interests: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """The decision maker, having declared an interest, passes the record back to its drafting
    officer without deciding: no signature, so no password. The reason given is the interest."""
    now = now or timezone.now()
    interests = interests.strip()
    if not interests:
        raise DomainError("Enter the interest you declared.")
    reason = f"Interest declared: {interests}"
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, lock_version=lock_version, user=user)
        policies.require(policies.why_not_pass_back(user, decision, _standing_signoffs(decision)))
        cycle = _open_cycle(decision)
        _close_cycle(cycle, ApprovalCycle.Outcome.RETURNED, user=user, now=now)
        transition(
            decision=decision,
            verb=Action.Verb.PASSED_BACK,
            user=user,
            reason="Passed back on a declared interest",
            now=now,
            cycle=cycle,
            role=policies.role_for_office(decision.decision_maker),
            detail=reason,
        )
        notifications.notify_returned(decision=decision, reason=reason, by=user)
    return decision


def decision_refer_up(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    office_id: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """The office that signs the statement before the decision, or the decision maker,
    refers the record up to a higher office of its body, with the reason.

    The record's decision maker becomes that office, and its route's sentence says who
    referred it and why (the route's rule and facts stay as frozen). The decision maker is
    signed content: sign-offs given for the old one no longer stand, and the record goes
    to the first stage whose sign-offs are missing.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for referring the record up.")
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, lock_version=lock_version, user=user)
        higher = higher_offices(decision=decision)
        policies.require(policies.why_not_refer_up(user, decision, higher))
        office = next((o for o in higher if o.pk == office_id), None)
        if office is None:
            raise DomainError("Choose a higher office this record's form goes to.")
        referrer = policies.referring_office(user, decision)
        role = policies.role_for_office(referrer)
        decision.decision_maker = office
        # The sentence is published with the record (the register's "Why this decision
        # maker"); the referrer's reason, which no one signs, stays in the action log.
        decision.route_reason = f"To the {office.title}: referred up by the {referrer.title}"
        signoffs_void_stale(decision=decision, user=user, now=now)
        transition(
            decision=decision,
            verb=Action.Verb.REFERRED_UP,
            to=next_stage(decision=decision, signoffs=_standing_signoffs(decision)),
            user=user,
            reason=f"Referred up to the {office.title}",
            fields=["decision_maker", "route_reason"],
            now=now,
            cycle=_open_cycle(decision),
            role=role,
            rule=decision.route_reason,
            detail=reason,
        )
        notifications.notify_next(decision=decision)
    return decision


def signoffs_void_stale(
    *, decision: Decision, user: User, now: datetime.datetime | None = None
) -> list[SignOff]:
    """Void the sign-offs given on content that has since changed; untick their lines.

    Call after saving a change to the record's content, in the same transaction.
    Returns the sign-offs voided (none when the content is what they signed).
    """
    standing = _standing_signoffs(decision)
    if not standing:
        return []
    current = decision_content_hash(decision=decision)
    stale = [s for s in standing if s.content_hash != current]
    if not stale:
        return []
    now = now or timezone.now()
    for signoff in stale:
        signoff.voided_at = now
        signoff.void_reason = "The record's content changed after this sign-off."
        signoff._history_user = user
        signoff.save(update_fields=["voided_at", "void_reason"])
    for line in DeclarationLine.objects.filter(
        decision=decision, kind__in=[s.declaration_kind for s in stale if s.declaration_kind]
    ):
        line.ticked = False
        line._history_user = user
        line.save(update_fields=["ticked"])
    names = ", ".join(f"{s.name_as_signed} ({s.get_role_display()})" for s in stale)
    record_action(
        decision=decision,
        verb=Action.Verb.SIGNOFFS_VOIDED,
        actor=user,
        detail=f"Voided: {names}",
        now=now,
    )
    return stale
