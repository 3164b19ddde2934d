"""Background work (django-tasks): publication after approval, and mail.

Production runs them on the database backend's worker (`manage.py db_worker`), out
of the request; development and the tests may use the immediate backend, which runs
a task as soon as it is enqueued. A failed publication or mail is tried again later
with back-off (run_after), where the backend can defer a task; the immediate backend
cannot, and there publish_due is the only retry.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from decisions.models import Decision

from . import notifications
from .publication import RETRY_DELAYS, decision_publish

logger = logging.getLogger(__name__)


def enqueue_after_commit(work: Task, *args) -> None:
    """Enqueue the task once the current transaction commits (at once outside one).

    Robust: if the queue refuses it (the database backend's table, a lost connection),
    the act that committed stands and the request still answers as it would. Django
    logs the error, naming the task and its arguments, and the work left undone is
    found by publish_due: a publication still pending, a mail never tried.
    """

    def enqueue() -> None:
        work.enqueue(*args)

    # What Django's log names when the enqueue fails.
    enqueue.__qualname__ = f"{work.name}.enqueue({', '.join(map(repr, args))})"
    transaction.on_commit(enqueue, robust=True)


def retry_later(
    work: Task, *args, tries: int, delays: tuple[datetime.timedelta, ...]
) -> datetime.datetime | None:
    """Enqueue the task again after the delay for this many tries so far; when, or None
    when it has had its tries or the backend cannot defer a task."""
    if not 1 <= tries <= len(delays) or not work.get_backend().supports_defer:
        return None
    run_after = timezone.now() + delays[tries - 1]
    work.using(run_after=run_after).enqueue(*args)
    return run_after


@task()
def publish_decision(decision_id: int) -> None:
    """Publish a newly approved record's Part 1 if it is due; after a failure (recorded
    on the record by approvals.publication), try again later."""
    try:
        decision = decision_publish(decision_id=decision_id)
    except Decision.DoesNotExist:
        return
    except Exception:
        # The failure is on the record if the database allowed it; try again anyway.
        logger.exception("Publication of record %s stopped by an error", decision_id)
        decision = Decision.objects.get(pk=decision_id)
    if decision.publication_state == Decision.PublicationState.FAILED:
        retry_later(
            publish_decision, decision_id, tries=decision.publication_tries, delays=RETRY_DELAYS
        )


def deliver_and_retry(notification_id: int, *, untried_only: bool = False):
    """Send one recorded mail (notifications.deliver); after a failure (recorded on it),
    have the worker try again later. The mail, or None when there was nothing to send."""
    notification = notifications.deliver(notification_id=notification_id, untried_only=untried_only)
    if notification is not None and notification.delivered_at is None:
        retry_later(
            deliver_notification,
            notification_id,
            tries=notification.attempts,
            delays=notifications.RETRY_DELAYS,
        )
    return notification


@task()
def deliver_notification(notification_id: int) -> None:
    """Send one recorded mail; after a failure (recorded on it), try again later."""
    deliver_and_retry(notification_id)
