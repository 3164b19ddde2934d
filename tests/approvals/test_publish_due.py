"""`manage.py publish_due`: two runs at the same moment act once; the command itself.

The concurrency tests use real threads, each with its own database connection: on
PostgreSQL the row locks (skip_locked) share the work out, on SQLite the IMMEDIATE
write transactions serialise the runs. Either way, each record is published and
reminded once.
"""

import datetime
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from approvals import publication
from approvals.models import Action
from approvals.pdf import PdfRenderError
from approvals.publication import publish_due
from decisions.models import Decision
from tests.threads import run_together

Status = Decision.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def slow_renderer(monkeypatch):
    """A renderer that takes a while, so that two runs overlap; it counts its calls."""
    calls = []

    def render(*, decision, draft=False):
        calls.append(decision.pk)
        time.sleep(0.3)
        return f"%PDF-fake {decision.reference}".encode()

    monkeypatch.setattr(publication, "render_part_one_pdf", render)
    return calls


def deferred_fields(until: datetime.date) -> dict:
    return {"part1_deferred": True, "deferred_until": until, "deferral_reason": "Procurement."}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data", "not_in_memory")
class TestTwoRunsAtOnce:
    def test_publish_once(self, approve, slow_renderer):
        # Approval commits here, and its publication task finds the record not yet due.
        until = timezone.localdate() + datetime.timedelta(days=30)
        decision = approve(**deferred_fields(until))
        assert Decision.objects.get(pk=decision.pk).status == Status.APPROVED
        now = timezone.now() + datetime.timedelta(days=30)

        results = run_together(lambda: publish_due(now=now), lambda: publish_due(now=now))

        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(len(r.published) for r in results) == 1
        assert slow_renderer == [decision.pk]
        decision = Decision.objects.get(pk=decision.pk)
        assert decision.status == Status.PUBLISHED
        assert decision.actions.filter(verb=Action.Verb.PUBLISHED).count() == 1
        assert default_storage.listdir("published")[1] == [
            decision.published_pdf.name.split("/")[1]
        ]

    def test_remind_once(self, approve, slow_renderer, mailoutbox):
        until = timezone.localdate() + datetime.timedelta(days=3)
        decision = approve(**deferred_fields(until))
        mailoutbox.clear()

        results = run_together(publish_due, publish_due)

        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(len(r.reminded) for r in results) == 1
        assert decision.actions.filter(verb=Action.Verb.DEFERRAL_REMINDED).count() == 1
        assert [mail.to for mail in mailoutbox] == [[decision.drafting_officer.email]]
        assert slow_renderer == []


@pytest.mark.django_db
class TestCommand:
    def test_nothing_to_do(self, capsys):
        call_command("publish_due")
        assert capsys.readouterr().out == "Nothing to publish and nobody to remind.\n"

    def test_publishes_what_is_due(self, approve, slow_renderer, capsys):
        decision = approve()
        call_command("publish_due")
        decision.refresh_from_db()
        assert capsys.readouterr().out == (
            f"Published PCD 1070 ({decision.published_pdf.name}, "
            f"SHA-256 {decision.published_pdf_sha256})\n"
        )

    def test_a_failure_makes_the_command_fail(self, approve, monkeypatch, capsys):
        def broken(*, decision, draft=False):
            raise PdfRenderError("no fonts")

        monkeypatch.setattr(publication, "render_part_one_pdf", broken)
        decision = approve()
        with pytest.raises(CommandError, match="1 record.s. could not be published"):
            call_command("publish_due")
        assert "Publication of PCD 1070 failed: The PDF could not be made: no fonts." in (
            capsys.readouterr().out
        )
        decision.refresh_from_db()
        assert decision.status == Status.APPROVED
