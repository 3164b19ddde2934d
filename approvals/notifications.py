"""Mail to the people who must act next, and to the drafting officer on a return or a decision.

Each mail is recorded (Notification) in the transaction of the act it reports, and
sent by the worker (approvals.tasks.deliver_notification) once that commits. A
failing mail server never undoes the act: the failure is recorded on the mail, tried
again with back-off, and shown on the record page until the mail is delivered.
Nor does a queue that refuses the mail's task: the mail stays recorded and never
tried, and publish_due sends it once it is older than NEVER_QUEUED_AFTER (shown on
the record page until then too).
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from decisions.models import Decision

from .models import Notification
from .policies import Actor, next_actors

logger = logging.getLogger(__name__)

# After a failed try the worker tries again after each of these delays in turn: four
# tries in all, then the mail is left undelivered on the record page.
RETRY_DELAYS = tuple(datetime.timedelta(minutes=minutes) for minutes in (1, 5, 30))

# A mail never tried this long after it was recorded was never queued (the queue
# refused it when its act committed), or the worker is not running: publish_due
# sends it.
NEVER_QUEUED_AFTER = datetime.timedelta(minutes=5)


def _send(*, decision: Decision, subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    notification = Notification.objects.create(
        decision=decision,
        recipients=recipients,
        subject=subject,
        body=body,
        created_at=timezone.now(),
    )
    # Imported here: the tasks module imports this one.
    from .tasks import deliver_notification, enqueue_after_commit

    enqueue_after_commit(deliver_notification, notification.pk)


def deliver(*, notification_id: int, untried_only: bool = False) -> Notification | None:
    """Try to send a recorded mail once, and record the outcome on it; the mail, or None
    when it is gone, already delivered, being tried by another process, or (with
    untried_only) tried before."""
    notification = Notification.objects.filter(
        pk=notification_id, delivered_at__isnull=True
    ).first()
    if notification is None or (untried_only and notification.attempts):
        return None
    now = timezone.now()
    # The try is claimed before the mail goes: of two processes sending the same mail
    # at once (the worker and publish_due, or two publish_due runs), the one that
    # finds the count already moved leaves it. A process stopped while sending leaves
    # the try counted, so the mail shows on the record page.
    claimed = Notification.objects.filter(
        pk=notification.pk, delivered_at__isnull=True, attempts=notification.attempts
    ).update(attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return None
    notification.attempts += 1
    notification.last_attempt_at = now
    try:
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            notification.recipients,
        )
    except Exception as error:  # noqa: BLE001 - any failure of the mail server
        logger.exception(
            "Could not send mail %r to %s", notification.subject, notification.recipients
        )
        notification.last_error = str(error) or error.__class__.__name__
    else:
        notification.delivered_at = now
    notification.save(update_fields=["last_error", "delivered_at"])
    return notification


def never_queued_filter() -> Q:
    """Mail not delivered and never tried, recorded longer than NEVER_QUEUED_AFTER ago
    (by the clock, whatever day a publish_due run is asked to act for)."""
    return Q(
        delivered_at__isnull=True,
        attempts=0,
        created_at__lt=timezone.now() - NEVER_QUEUED_AFTER,
    )


def never_queued() -> list[int]:
    """The mail publish_due sends itself (never_queued_filter), oldest first."""
    mail = Notification.objects.filter(never_queued_filter()).order_by("created_at", "pk")
    return list(mail.values_list("pk", flat=True))


def undelivered(*, decision: Decision) -> list[Notification]:
    """The record's mail not delivered: tried and failed (still being retried, or given
    up), or never tried long after it was recorded (never queued)."""
    return list(
        Notification.objects.filter(
            Q(delivered_at__isnull=True, attempts__gt=0) | never_queued_filter(),
            decision=decision,
        ).order_by("created_at", "pk")
    )


def _absolute(path: str) -> str:
    """The address of a page of the site for a mail: settings.SITE_URL (DJANGO_SITE_URL)
    and the path, whatever address the request that sent it came in on."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _link(decision: Decision) -> str:
    return _absolute(reverse("approvals:detail", args=[decision.pk]))


def _users_with(actors: list[Actor], exclude_pks: set[int]) -> list:
    """The active users who are any of these actors (policies.is_actor, asked in one query):
    holding the permission and, where an office is named, in the office's group."""
    User = get_user_model()
    users = User.objects.filter(is_active=True).exclude(pk__in=exclude_pks)
    query = Q(pk__in=[])
    for permission, office in actors:
        app_label, codename = permission.split(".")
        holding = User.objects.filter(
            Q(
                groups__permissions__codename=codename,
                groups__permissions__content_type__app_label=app_label,
            )
            | Q(
                user_permissions__codename=codename,
                user_permissions__content_type__app_label=app_label,
            )
        ).values("pk")
        one = Q(pk__in=holding)
        if office is not None:
            one &= Q(pk__in=User.objects.filter(groups=office.group_id).values("pk"))
        query |= one
    return list(users.filter(query).distinct())


def notify_next(*, decision: Decision) -> None:
    """Tell those who must act next that the record waits for them."""
    people = _users_with(next_actors(decision), {decision.drafting_officer_id})
    _send(
        decision=decision,
        subject=f"{decision.reference} waits for you: {decision.title}",
        body=(
            f"{decision.reference} {decision.title} is now at the stage "
            f'"{decision.get_status_display()}" and waits for your action.\n\n{_link(decision)}\n'
        ),
        recipients=[person.email for person in people],
    )


def notify_returned(*, decision: Decision, reason: str, by: User) -> None:
    _send(
        decision=decision,
        subject=f"{decision.reference} returned to you: {decision.title}",
        body=(
            f"{by} returned {decision.reference} {decision.title} to draft.\n\n"
            f"Reason: {reason}\n\n{_link(decision)}\n"
        ),
        recipients=[decision.drafting_officer.email],
    )


def notify_decided(*, decision: Decision) -> None:
    _send(
        decision=decision,
        subject=f"{decision.reference} {decision.get_status_display().lower()}: {decision.title}",
        body=(
            f"The {decision.decision_maker_title} has decided {decision.reference} "
            f"{decision.title}: {decision.get_status_display()}.\n\n{_link(decision)}\n"
        ),
        recipients=[decision.drafting_officer.email],
    )


def notify_deferral_ending(*, decision: Decision) -> None:
    """Remind the drafting officer that a deferred Part 1 is published soon, and how to
    extend the deferral."""
    extend = _absolute(reverse("approvals:deferral_extend", args=[decision.pk]))
    published_on = date_format(decision.deferred_until, "j F Y")
    _send(
        decision=decision,
        subject=f"{decision.reference} will be published on {published_on}: {decision.title}",
        body=(
            f"Part 1 of {decision.reference} {decision.title} will be published on the register "
            f"on {published_on} unless the deferral is extended.\n\n"
            f"To extend it, give the new date and the reason here:\n{extend}\n\n"
            f"The record: {_link(decision)}\n"
        ),
        recipients=[decision.drafting_officer.email],
    )
