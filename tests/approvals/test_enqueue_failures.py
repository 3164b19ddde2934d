"""A queue that refuses a task after the act committed: the act stands, and nothing is lost.

Publication and mail are queued once the act's transaction commits (approvals.tasks
.enqueue_after_commit). With the database task backend, queueing is a database write
that can fail; it failed inside the request after the approval had committed, and
the approver got a 500 for an approval that stood. Now the failure is logged, the
approval answers as usual, the record stays pending and the mail recorded and never
tried; publish_due publishes the one and sends the other, and the record page shows
the mail until then.
"""

import datetime
import time

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import Task

from approvals import notifications
from approvals.models import Notification
from approvals.publication import publish_due
from core.roles import Role
from decisions.models import Decision
from tests.approvals.test_views import decide, text_of
from tests.factories import PASSWORD
from tests.threads import run_together

# The approval commits for real, so that its on_commit callbacks run in the request.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]

State = Decision.PublicationState
NEVER_QUEUED = "it was never queued"


@pytest.fixture(autouse=True)
def _media(media):
    pass


@pytest.fixture
def queue_down(monkeypatch):
    """Every task's enqueue fails as the database backend's would with its table gone;
    undo() brings the queue back."""

    def refuse(self, *args, **kwargs):
        raise DatabaseError('relation "django_tasks_database_dbtaskresult" does not exist')

    monkeypatch.setattr(Task, "enqueue", refuse)
    return monkeypatch


def record_page(client, user, decision) -> str:
    client.force_login(user)
    return text_of(client.get(reverse("approvals:detail", args=[decision.pk])))


def test_an_approval_whose_tasks_cannot_be_queued_stands_and_publish_due_finishes_it(
    client,
    people,
    officer,
    make_user,
    at_decision,
    queue_down,
    fake_renderer,
    mailoutbox,
    caplog,
    capsys,
):
    mailoutbox.clear()
    client.force_login(people[Role.DMPC])
    response = decide(client, at_decision, has_interest="False", approve="True", password=PASSWORD)

    # The approval answered as usual, and stands, its publication pending.
    assert response.status_code == 302
    decision = Decision.objects.get(pk=at_decision.pk)
    assert (decision.status, decision.publication_state) == (
        Decision.Status.APPROVED,
        State.PENDING,
    )
    # Both refusals were logged, naming the task and its argument.
    [mail] = Notification.objects.filter(decision=decision, delivered_at__isnull=True)
    assert (mail.attempts, mail.recipients) == (0, [officer.email])
    logged = [r.getMessage() for r in caplog.records if r.name == "django.db.backends.base"]
    assert any(f"publish_decision.enqueue({decision.pk})" in m for m in logged), logged
    assert any(f"deliver_notification.enqueue({mail.pk})" in m for m in logged), logged
    assert mailoutbox == []

    # While a worker might still send it, the mail is not yet called lost; a few
    # minutes on, the record page shows it.
    assert "Mail not delivered" not in record_page(client, officer, decision)
    recorded = timezone.now() - notifications.NEVER_QUEUED_AFTER - datetime.timedelta(minutes=1)
    Notification.objects.filter(pk=mail.pk).update(created_at=recorded)
    page = record_page(client, officer, decision)
    assert f"Mail to {officer.email} about “{mail.subject}” not sent since" in page
    assert NEVER_QUEUED in page
    assert NEVER_QUEUED in record_page(client, make_user(Role.ADMINISTRATOR), decision)

    # publish_due, the safety net, publishes the record and sends the mail, and says so.
    queue_down.undo()
    capsys.readouterr()
    call_command("publish_due")
    out = capsys.readouterr().out
    decision = Decision.objects.get(pk=decision.pk)
    assert (decision.status, decision.publication_state) == (
        Decision.Status.PUBLISHED,
        State.PUBLISHED,
    )
    assert f"Published {decision.reference}" in out
    assert (
        f'Sent the mail never queued about {decision.reference} ("{mail.subject}") '
        f"to {officer.email}" in out
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [([officer.email], mail.subject)]
    mail.refresh_from_db()
    assert mail.attempts == 1 and mail.delivered_at is not None
    assert "Mail not delivered" not in record_page(client, officer, decision)

    # Sent once: the next run finds nothing more to send.
    assert publish_due().report() == ["Nothing to publish and nobody to remind."]
    assert len(mailoutbox) == 1


def test_publish_due_leaves_a_recent_or_tried_mail_to_the_worker(
    at_clearance, people, settings, mailoutbox
):
    """A mail recorded moments ago may be in the worker's queue, and one tried before
    is the worker's to try again: publish_due sends neither."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    mailoutbox.clear()
    for reason in ("Recent.", "Tried."):
        notifications.notify_returned(decision=at_clearance, reason=reason, by=people[Role.FINANCE])
    recent, tried = Notification.objects.filter(delivered_at__isnull=True).order_by("pk")
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Notification.objects.filter(pk=tried.pk).update(
        created_at=long_ago, attempts=4, last_error="mail server down"
    )

    result = publish_due()

    assert (result.mailed, result.mail_failed) == ([], [])
    assert mailoutbox == []
    assert [n.pk for n in notifications.undelivered(decision=at_clearance)] == [tried.pk]


def test_a_never_queued_mail_that_fails_is_kept_and_shown(
    at_clearance, people, settings, mailoutbox, client, officer
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    notifications.notify_returned(decision=at_clearance, reason="Costs.", by=people[Role.FINANCE])
    mail = Notification.objects.get(delivered_at__isnull=True)
    Notification.objects.filter(pk=mail.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    settings.EMAIL_BACKEND = "tests.approvals.broken_mail.Backend"

    result = publish_due()

    assert [m.pk for m in result.mail_failed] == [mail.pk]
    assert result.report() == [
        f'The mail never queued about {at_clearance.reference} ("{mail.subject}") could not '
        "be sent: mail server down. It is shown on the record's page."
    ]
    mail.refresh_from_db()
    assert (mail.attempts, mail.last_error, mail.delivered_at) == (1, "mail server down", None)
    assert "not delivered after 1 try: mail server down" in record_page(
        client, officer, at_clearance
    )


class SlowMailServer(EmailBackend):
    """Django's test mail backend, taking a moment to send, so that two runs sending
    the same mail overlap."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.mark.usefixtures("not_in_memory")
def test_two_publish_due_runs_at_once_send_a_never_queued_mail_once(
    at_clearance, people, settings, mailoutbox
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    notifications.notify_returned(decision=at_clearance, reason="Costs.", by=people[Role.FINANCE])
    mail = Notification.objects.get(delivered_at__isnull=True)
    Notification.objects.filter(pk=mail.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    settings.EMAIL_BACKEND = f"{__name__}.{SlowMailServer.__qualname__}"
    mailoutbox.clear()

    results = run_together(publish_due, publish_due)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r.mailed) for r in results) == [0, 1]
    assert [m.subject for m in mailoutbox] == [mail.subject]
    mail.refresh_from_db()
    assert mail.attempts == 1 and mail.delivered_at is not None
