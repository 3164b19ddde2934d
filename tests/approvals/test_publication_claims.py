"""A publication's claim is stamped, and judged stale, by the clock when it is made.

publish_due fixes its `now` when it starts, to choose what is due. Its claims were
stamped with that `now` too, so in a run longer than PUBLICATION_STALE_AFTER the
later claims looked stale the moment they were made: a retry running meanwhile took
the record over, recorded a false failure and rendered it a second time.
"""

import datetime

import pytest
from django.utils import timezone

from approvals import publication
from approvals.models import Action
from approvals.publication import decision_publish, publish_due, stale_after
from decisions.models import Decision

pytestmark = pytest.mark.django_db

State = Decision.PublicationState


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def renders(monkeypatch):
    """A fake renderer; the records it rendered, in order."""
    rendered = []

    def render(*, decision, draft=False):
        rendered.append(decision.pk)
        return f"%PDF-fake {decision.reference}".encode()

    monkeypatch.setattr(publication, "render_part_one_pdf", render)
    return rendered


def test_a_long_run_s_late_claim_is_not_taken_for_stopped_by_a_retry(approve, settings, renders):
    decision = approve()
    # A run that started longer ago than a claim may last, and only now reaches this
    # record (the records before it took that long).
    run_started = timezone.now() - stale_after() - datetime.timedelta(seconds=100)
    retries = []

    def retry_while_rendering(point: str) -> None:
        if point == "rendering":
            settings.PUBLICATION_TEST_HOOK = None
            retries.append(decision_publish(decision_id=decision.pk))

    settings.PUBLICATION_TEST_HOOK = retry_while_rendering
    result = publish_due(now=run_started)

    # The retry found the claim fresh and left the record to the run.
    [retried] = retries
    assert retried.publication_state == State.IN_PROGRESS
    assert retried.publication_tries == 0
    assert [d.pk for d in result.published] == [decision.pk]
    assert result.failed == [] and result.busy == 0
    assert renders == [decision.pk]
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.publication_state == State.PUBLISHED
    assert decision.publication_tries == 0
    assert not decision.actions.filter(verb=Action.Verb.PUBLICATION_FAILED).exists()
    # What was due was still chosen by the run's time, and the claim stamped by the clock.
    assert decision.published_at == run_started
    assert decision.publication_started_at > run_started + stale_after()


def test_a_claim_older_than_the_limit_by_the_clock_is_still_taken_over(approve, renders):
    """The other side: a claim really left by a stopped process is found, whatever
    `now` the run that finds it was given."""
    decision = approve()
    stopped_at = timezone.now() - stale_after() - datetime.timedelta(seconds=1)
    Decision.objects.filter(pk=decision.pk).update(
        publication_state=State.IN_PROGRESS, publication_started_at=stopped_at
    )

    result = publish_due(now=stopped_at)

    assert [d.pk for d in result.published] == [decision.pk]
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.publication_tries == 1
    failure = decision.actions.get(verb=Action.Verb.PUBLICATION_FAILED)
    assert "did not finish: the process publishing it stopped" in failure.detail
