"""Issue 9, item 7: mail is recorded, delivered by the worker, tried again with back-off
when the mail server fails, and shown on the record page until it is delivered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from approvals import notifications
from approvals.models import Notification
from approvals.notifications import RETRY_DELAYS
from core.roles import Role
from tests.approvals.test_views import text_of

# The worker closes a connection it finds inside a transaction (close_old_connections),
# as a test's own transaction would be: these tests commit for real.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]

DELIVER = "approvals.tasks.deliver_notification"
BROKEN = "tests.approvals.broken_mail.Backend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def returned(at_clearance, people, worker, settings):
    """A record returned to its drafting officer, whose mail goes to a mail server that
    is down. (The mail of its submission went before, at once.)"""
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()
    settings.EMAIL_BACKEND = BROKEN
    notifications.notify_returned(
        decision=at_clearance, reason="The costs are missing.", by=people[Role.FINANCE]
    )
    return at_clearance


def queued() -> DBTaskResult | None:
    return DBTaskResult.objects.filter(task_path=DELIVER, status="READY").first()


def time_passes() -> None:
    """Every deferred task becomes due, as if its delay had passed."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def record_page(client, user, decision) -> str:
    client.force_login(user)
    return text_of(client.get(reverse("approvals:detail", args=[decision.pk])))


def test_mail_a_failing_mail_server_is_recorded_retried_with_back_off_and_shown(
    returned, worker, client, officer, people, make_user, mailoutbox
):
    mail = Notification.objects.get(delivered_at__isnull=True)
    assert (mail.recipients, mail.attempts, mail.delivered_at) == ([officer.email], 0, None)
    assert mail.subject == f"{returned.reference} returned to you: {returned.title}"
    assert "Reason: The costs are missing." in mail.body

    delays = []
    for _ in range(len(RETRY_DELAYS) + 2):
        before = timezone.now()
        worker()
        task = queued()
        if task is None:
            break
        delays.append(task.run_after - before)
        time_passes()
    # Tried at once, then again after 1, 5 and 30 minutes: four tries, then left.
    assert [round(d / datetime.timedelta(minutes=1)) for d in delays] == [1, 5, 30]
    mail.refresh_from_db()
    assert (mail.attempts, mail.delivered_at) == (len(RETRY_DELAYS) + 1, None)
    assert mail.last_error == "mail server down"
    assert [m for m in mailoutbox if m.subject == mail.subject] == []

    shown = (
        f"Mail to {officer.email} about “{mail.subject}” not delivered after 4 tries: "
        "mail server down"
    )
    assert shown in record_page(client, officer, returned)
    assert shown in record_page(client, make_user(Role.ADMINISTRATOR), returned)
    # A reviewer on the route is not the one to tell the drafting officer.
    assert "not delivered" not in record_page(client, people[Role.FINANCE], returned)


def test_mail_a_later_success_marks_it_delivered(
    returned, worker, settings, client, officer, mailoutbox
):
    worker()
    mail = Notification.objects.get(delivered_at__isnull=True)
    assert (mail.attempts, mail.delivered_at) == (1, None)
    assert "not delivered after 1 try: mail server down" in record_page(client, officer, returned)

    settings.EMAIL_BACKEND = WORKING
    time_passes()
    worker()
    mail.refresh_from_db()
    assert mail.attempts == 2
    assert mail.delivered_at is not None
    assert queued() is None
    assert [(m.to, m.body) for m in mailoutbox if m.subject == mail.subject] == [
        ([officer.email], mail.body)
    ]
    assert "not delivered" not in record_page(client, officer, returned)
