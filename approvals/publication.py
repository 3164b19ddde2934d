"""Publication of Part 1: the PDF rendered once, stored with its SHA-256, never changed.

A record is published when it is approved (by the worker, approvals.tasks), or on the
date its publication was deferred to (publish_due, run by `manage.py publish_due`).
The approval commits with the record's publication state "pending", so a publication
is never lost: the state moves to in progress (claimed), then published or failed.
If rendering fails in any way, the approval stands: the record keeps the error and an
action for staff, and the worker tries again with back-off; publish_due is the safety
net for anything the worker did not finish, including a process killed mid-render.
Before a deferral ends its drafting officer is reminded once, and may extend it
with a reason. An administrator may withdraw a published record with a public
reason; its PDF stays exactly as it was published.

Publication and reminders are the application's own acts: their actions have no actor.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks import default_task_backend

from accounts.models import User
from core.errors import DomainError
from core.roles import Role
from decisions.locking import decision_lock
from decisions.models import Decision

from . import notifications, policies, workflow
from .models import Action, Notification
from .pdf import PdfRenderError, render_part_one_pdf
from .presenters import part_one_plain_text
from .selectors import decision_with_parts

logger = logging.getLogger(__name__)


def _long_date(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def reminder_days() -> int:
    """How many days before a deferral ends its drafting officer is reminded."""
    return getattr(settings, "PUBLICATION_REMINDER_DAYS", 7)


def reminder_due_filter(*, today: datetime.date) -> Q:
    """Approved deferred records whose date falls within the reminder period, not yet reminded."""
    return policies.reminder_due_filter(today=today, days=reminder_days())


# The rules of publication (who may extend, withdraw; when a record is due) are in
# approvals.policies; this one is about a date, for the form and the service alike.


def deferral_date_problem(
    *, current: datetime.date | None, until: datetime.date, today: datetime.date
) -> str | None:
    """What is wrong with a new deferral date, or None: it must be later than the current
    date and in the future."""
    if until <= today:
        return "The new date of publication must be in the future"
    if current is not None and until <= current:
        return f"The new date of publication must be after {_long_date(current)}, the current date"
    return None


# Publication.


class Outcome(StrEnum):
    PUBLISHED = "published"
    FAILED = "failed"
    NOT_DUE = "not_due"
    BUSY = "busy"


State = Decision.PublicationState

# After a failure the worker tries again after each of these delays in turn; after the
# last, the record is left failed on its page and each publish_due run tries it again.
RETRY_DELAYS = tuple(datetime.timedelta(minutes=minutes) for minutes in (1, 5, 30, 120, 360))


def stale_after() -> datetime.timedelta:
    """How long a publication may stay in progress before it is taken for a process that
    stopped (killed, or its database lost): longer than any render may take."""
    return datetime.timedelta(seconds=getattr(settings, "PUBLICATION_STALE_AFTER", 900))


def next_retry_at(decision: Decision) -> datetime.datetime | None:
    """When the worker tries a failed publication again, or None once it has stopped
    trying (publish_due still does)."""
    if decision.publication_state != State.FAILED or not decision.publication_attempted_at:
        return None
    if not default_task_backend.supports_defer:
        return None  # the immediate backend cannot try later: publish_due does
    if not 1 <= decision.publication_tries <= len(RETRY_DELAYS):
        return None
    return decision.publication_attempted_at + RETRY_DELAYS[decision.publication_tries - 1]


def _locked(*, decision_id: int, skip_locked: bool) -> Decision | None:
    found = list(
        Decision.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        .select_related("series")
        .filter(pk=decision_id)
    )
    return found[0] if found else None


def _fail(*, decision: Decision, message: str, now: datetime.datetime) -> None:
    """Record a failed attempt on the locked record and in its action log."""
    logger.error("Publication of %s failed: %s", decision.reference, message)
    decision.publication_state = State.FAILED
    decision.publication_error = message
    decision.publication_attempted_at = now
    decision.publication_tries += 1
    decision._change_reason = "Publication failed"
    decision.save(
        update_fields=[
            "publication_state",
            "publication_error",
            "publication_attempted_at",
            "publication_tries",
        ]
    )
    workflow.record_action(
        decision=decision, verb=Action.Verb.PUBLICATION_FAILED, actor=None, now=now, detail=message
    )


def _holds_claim(decision: Decision | None, started: datetime.datetime) -> bool:
    return (
        decision is not None
        and decision.status == Decision.Status.APPROVED
        and decision.publication_state == State.IN_PROGRESS
        and decision.publication_started_at == started
    )


def _claim(
    *, decision_id: int, now: datetime.datetime, skip_locked: bool
) -> tuple[Decision | None, Outcome | None]:
    """Mark the attempt started, in a short transaction under the record's row lock.

    The record and None when this run may render it; else the record (None if another
    run holds its lock) and why not. A claim older than stale_after() belongs to a
    process that stopped without a word: that is recorded as a failure first.

    `now` is the run's time, which says whether the record is due; the claim is
    stamped, and another's judged stale, by the clock at this moment. A run's `now`
    is fixed when it starts, so after a long run its late claims, stamped with it,
    looked stale at once to a retry and were taken over: a false failure and a
    second render.
    """
    today = timezone.localdate(now)
    with transaction.atomic():
        decision = _locked(decision_id=decision_id, skip_locked=skip_locked)
        if decision is None:
            return None, Outcome.BUSY
        # Re-checked under the lock: another run may have published it meanwhile.
        if policies.why_not_publish(decision, today=today):
            return decision, Outcome.NOT_DUE
        claimed_at = timezone.now()
        if decision.publication_state == State.IN_PROGRESS:
            started = decision.publication_started_at
            if started and started > claimed_at - stale_after():
                return decision, Outcome.BUSY
            _fail(
                decision=decision,
                message=(
                    f"Publication started at {date_format(timezone.localtime(started), 'j F Y, H:i')}"
                    " did not finish: the process publishing it stopped"
                    if started
                    else "Publication did not finish: the process publishing it stopped"
                ),
                now=now,
            )
        decision.publication_state = State.IN_PROGRESS
        decision.publication_started_at = claimed_at
        # Not a new version of the record: only the claim, which the page shows.
        Decision.objects.filter(pk=decision.pk).update(
            publication_state=State.IN_PROGRESS, publication_started_at=claimed_at
        )
    return decision, None


def _render(*, decision: Decision, now: datetime.datetime) -> tuple[bytes, str]:
    """The record's PDF and its plain text, read and rendered outside any transaction."""
    full = decision_with_parts(pk=decision.pk)
    full.published_at = now  # for the PDF's "date published"
    pdf = render_part_one_pdf(decision=full)
    return pdf, part_one_plain_text(decision=full)


def _render_and_store(*, decision: Decision, now: datetime.datetime) -> str:
    """Render the record's PDF and store it on the record, not yet saved; what went wrong,
    or "" when nothing did. Any failure of the renderer or the storage is a failure."""
    try:
        pdf, text = _render(decision=decision, now=now)
    except PdfRenderError as error:
        return f"The PDF could not be made: {error or error.__class__.__name__}"
    except Exception as error:  # noqa: BLE001 - whatever stopped the render is recorded
        logger.exception("Rendering %s failed", decision.reference)
        return f"The PDF could not be made: {error or error.__class__.__name__}"
    decision.published_pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    decision.search_text = text
    # Stored last, so that the caller knows of any file written (to delete it on failure).
    try:
        decision.published_pdf.save(f"{decision.slug}.pdf", ContentFile(pdf), save=False)
    except Exception as error:  # noqa: BLE001 - any failure of the storage backend
        return f"The PDF could not be stored: {error or error.__class__.__name__}"
    return ""


def _mark_published(*, decision: Decision, now: datetime.datetime) -> None:
    decision.published_at = now
    decision.publication_attempted_at = now
    decision.publication_error = ""
    decision.publication_state = State.PUBLISHED
    workflow.transition(
        decision=decision,
        verb=Action.Verb.PUBLISHED,
        user=None,
        reason="Published",
        fields=[
            "published_pdf",
            "published_pdf_sha256",
            "published_at",
            "publication_attempted_at",
            "publication_error",
            "publication_state",
            "search_text",
        ],
        now=now,
        detail=f"{decision.published_pdf.name} (SHA-256 {decision.published_pdf_sha256})",
    )


def _finish(*, rendered: Decision, started: datetime.datetime, now: datetime.datetime) -> bool:
    """Mark the record published in a short transaction if this run's claim still holds;
    whether it did."""
    with transaction.atomic():
        decision = _locked(decision_id=rendered.pk, skip_locked=False)
        if not _holds_claim(decision, started):
            return False
        decision.published_pdf = rendered.published_pdf.name
        decision.published_pdf_sha256 = rendered.published_pdf_sha256
        decision.search_text = rendered.search_text
        _mark_published(decision=decision, now=now)
    return True


def _record_failure(
    *, decision_id: int, started: datetime.datetime, message: str, now: datetime.datetime
) -> Decision | None:
    """Record a failure of this run's attempt, if its claim still holds; the record.

    When the database connection itself failed, the record is written on a fresh one.
    If even that fails, the claim stays in progress, and publish_due (or the next try)
    finds it once it is stale and records it then.
    """
    for fresh in (False, True):
        if fresh:
            if connection.in_atomic_block:
                break  # called inside a transaction: nothing can be written now
            connection.close()
        try:
            with transaction.atomic():
                decision = _locked(decision_id=decision_id, skip_locked=False)
                if _holds_claim(decision, started):
                    _fail(decision=decision, message=message, now=now)
                return decision
        except Exception:  # noqa: BLE001 - tried again on a fresh connection
            logger.exception("Could not record the failed publication of record %s", decision_id)
    return None


def _publish(
    *, decision_id: int, now: datetime.datetime, skip_locked: bool
) -> tuple[Decision | None, Outcome]:
    """Publish one record if it is due; the record and what happened.

    In three steps, so that no transaction is open while the PDF renders (a long
    render must never hold the row lock, nor SQLite's write lock): claim the record
    (_claim), render and store the PDF, then mark it published if the claim still
    holds (_finish), else delete the stored file. With skip_locked (PostgreSQL), a
    record another run holds is left to that run (BUSY). A failure of any kind is
    recorded on the record, with an action; an unexpected one (the database) is then
    raised. Call outside any transaction: an outer one would hold the locks throughout.
    """
    decision, outcome = _claim(decision_id=decision_id, now=now, skip_locked=skip_locked)
    if outcome is not None:
        return decision, outcome
    started = decision.publication_started_at
    stored = ""
    try:
        checkpoint("rendering")
        if problem := _render_and_store(decision=decision, now=now):
            failed = _record_failure(
                decision_id=decision_id, started=started, message=problem, now=now
            )
            return failed or decision, Outcome.FAILED
        stored = decision.published_pdf.name
        checkpoint("published_pdf_stored")
        finished = _finish(rendered=decision, started=started, now=now)
        if finished:
            stored = ""  # published: the file is the record's now, whatever happens next
        else:
            # Another run took the record over (this one was taken for stopped).
            decision.published_pdf.storage.delete(stored)
            stored = ""
    except BaseException as error:
        if stored:
            decision.published_pdf.storage.delete(stored)
        _record_failure(
            decision_id=decision_id,
            started=started,
            message=f"Publication stopped by an error: {error or error.__class__.__name__}",
            now=now,
        )
        raise
    decision.refresh_from_db()
    return decision, Outcome.PUBLISHED if finished else Outcome.BUSY


def checkpoint(name: str) -> None:
    """A point in publication where a test may stop the process or its database (the
    PUBLICATION_TEST_HOOK setting names a callable taking the point's name); nothing
    otherwise."""
    hook = getattr(settings, "PUBLICATION_TEST_HOOK", None)
    if hook is not None:
        hook(name)


def decision_publish(*, decision_id: int, now: datetime.datetime | None = None) -> Decision:
    """Publish one approved record if it is due: render, store, hash, mark published.

    Idempotent: a record already published, not approved, not yet due, or being
    published by another process is left as it is, and its stored PDF is never
    rendered or written again. A rendering (or storage) failure is recorded on the
    record and in its action log, and is not raised; approvals.tasks tries again.
    Call outside any transaction (see _publish).
    """
    decision, _ = _publish(decision_id=decision_id, now=now or timezone.now(), skip_locked=False)
    if decision is None:
        raise Decision.DoesNotExist(f"There is no record {decision_id}")
    return decision


@dataclass
class PublishDueResult:
    """What one run of publish_due did."""

    published: list[Decision] = field(default_factory=list)
    failed: list[Decision] = field(default_factory=list)
    reminded: list[Decision] = field(default_factory=list)
    # Mail recorded but never queued (notifications.never_queued), sent by this run:
    # delivered, or failed (recorded on the mail, shown on its record's page, and
    # tried again by the worker).
    mailed: list[Notification] = field(default_factory=list)
    mail_failed: list[Notification] = field(default_factory=list)
    # Unexpected errors (the database, the storage), one line each; logged in full.
    errors: list[str] = field(default_factory=list)
    # Records another run held at that moment (PostgreSQL): that run deals with them.
    busy: int = 0

    @property
    def ok(self) -> bool:
        return not (self.failed or self.errors)

    def report(self) -> list[str]:
        """One line for each thing done, for the command's output."""
        lines = [
            f"Published {d.reference} ({d.published_pdf.name}, SHA-256 {d.published_pdf_sha256})"
            for d in self.published
        ]
        lines += [
            f"Publication of {d.reference} failed: {d.publication_error}. "
            "It will be tried again on the next run."
            for d in self.failed
        ]
        lines += [
            f"Reminded {d.drafting_officer.email or d.drafting_officer} that {d.reference} "
            f"will be published on {_long_date(d.deferred_until)}"
            for d in self.reminded
        ]
        lines += [
            f"Sent the mail never queued about {m.decision.reference} "
            f'("{m.subject}") to {", ".join(m.recipients)}'
            for m in self.mailed
        ]
        lines += [
            f'The mail never queued about {m.decision.reference} ("{m.subject}") '
            f"could not be sent: {m.last_error}. It is shown on the record's page."
            for m in self.mail_failed
        ]
        lines += self.errors
        if self.busy:
            lines.append(f"Left {self.busy} record(s) to another run that was dealing with them")
        return lines or ["Nothing to publish and nobody to remind."]


def publish_due(*, now: datetime.datetime | None = None) -> PublishDueResult:
    """Publish every approved record that is due, remind drafting officers of deferrals
    ending soon (PUBLICATION_REMINDER_DAYS, default 7), and send the mail whose task was
    never queued (notifications.never_queued). Idempotent, and safe to run twice at
    once: each record is published or reminded under its row lock, once, and each
    mail's try is claimed before it is sent (notifications.deliver).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = PublishDueResult()
    due = Decision.objects.filter(policies.publication_due_filter(today=today)).order_by(
        "decided_at", "pk"
    )
    for decision_id in due.values_list("pk", flat=True):
        try:
            decision, outcome = _publish(decision_id=decision_id, now=now, skip_locked=True)
        except Exception as error:  # noqa: BLE001 - one record's trouble must not stop the rest
            logger.exception("Publication of record %s stopped by an error", decision_id)
            result.errors.append(f"Publication of record {decision_id} stopped: {error!r}")
            continue
        if outcome == Outcome.PUBLISHED:
            result.published.append(decision)
        elif outcome == Outcome.FAILED:
            result.failed.append(decision)
        elif outcome == Outcome.BUSY:
            result.busy += 1
    remind = Decision.objects.filter(reminder_due_filter(today=today)).order_by("deferred_until")
    for decision_id in remind.values_list("pk", flat=True):
        decision = _remind(decision_id=decision_id, now=now)
        if decision is not None:
            result.reminded.append(decision)
    _send_never_queued(result)
    return result


def _send_never_queued(result: PublishDueResult) -> None:
    """Send each mail recorded but never queued, once; a failure is kept on the mail
    and the worker tries it again, as any other."""
    # Imported here: the tasks module imports this one.
    from .tasks import deliver_and_retry

    for notification_id in notifications.never_queued():
        try:
            mail = deliver_and_retry(notification_id, untried_only=True)
        except Exception as error:  # noqa: BLE001 - one mail's trouble must not stop the rest
            logger.exception("Sending mail %s stopped by an error", notification_id)
            result.errors.append(f"Sending mail {notification_id} stopped: {error!r}")
            continue
        if mail is not None:
            (result.mail_failed if mail.delivered_at is None else result.mailed).append(mail)


def _remind(*, decision_id: int, now: datetime.datetime) -> Decision | None:
    """Remind the drafting officer once that the deferral ends soon; None if not (any longer)
    due, or held by another run."""
    today = timezone.localdate(now)
    with transaction.atomic():
        found = list(
            Decision.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("series", "drafting_officer")
            .filter(reminder_due_filter(today=today), pk=decision_id)
        )
        if not found:
            return None
        decision = found[0]
        decision.deferral_reminded_at = now
        decision._change_reason = "Drafting officer reminded of the deferral"
        decision.save(update_fields=["deferral_reminded_at"])
        workflow.record_action(
            decision=decision,
            verb=Action.Verb.DEFERRAL_REMINDED,
            actor=None,
            now=now,
            detail=(
                f"Reminded {decision.drafting_officer} that Part 1 will be published on "
                f"{_long_date(decision.deferred_until)}"
            ),
        )
        notifications.notify_deferral_ending(decision=decision)
    return decision


# Extending a deferral, and withdrawal.


def deferral_extend(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    until: datetime.date,
    reason: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """Defer publication of an approved record to a later date, with a reason.

    The original reason for deferral stays as it is (it is part of Part 1); the
    extension and its reason go in the action log. The drafting officer is reminded
    again before the new date.
    """
    now = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, user=user, lock_version=lock_version)
        policies.require(policies.why_not_extend_deferral(user, decision))
        if not reason:
            raise DomainError("Enter the reason for extending the deferral")
        previous = decision.deferred_until
        problem = deferral_date_problem(
            current=previous, until=until, today=timezone.localdate(now)
        )
        if problem:
            raise DomainError(problem)
        decision.deferred_until = until
        decision.deferral_reminded_at = None
        workflow.transition(
            decision=decision,
            verb=Action.Verb.DEFERRAL_EXTENDED,
            user=user,
            reason="Deferral extended",
            fields=["deferred_until", "deferral_reminded_at"],
            now=now,
            role=policies.drafting_side_role(user, decision),
            detail=f"Extended from {_long_date(previous)} to {_long_date(until)}: {reason}",
        )
    return decision


def decision_withdraw(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """Withdraw a published record with a public reason.

    Its page stays on the register with a notice; its PDF stays as it was
    published: not deleted, not rendered again.
    """
    now = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        decision = decision_lock(decision_id=decision_id, user=user, lock_version=lock_version)
        policies.require(policies.why_not_withdraw(user, decision))
        if not reason:
            raise DomainError("Enter the reason for withdrawing the record")
        decision.withdrawn_at = now
        decision.withdrawal_reason = reason
        workflow.transition(
            decision=decision,
            verb=Action.Verb.WITHDRAWN,
            user=user,
            reason="Withdrawn",
            fields=["withdrawn_at", "withdrawal_reason"],
            now=now,
            role=Role.ADMINISTRATOR,
            detail=reason,
        )
    return decision
